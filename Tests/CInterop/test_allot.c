/*
 * test_allot.c - liballot.so from C: a whole offer cycle and a placement through the typed
 * functions and through allot_call_json, misuse returning statuses, and one engine shared by
 * several threads. Run by .ci/run under valgrind memcheck:
 *
 *   cc -std=c11 -Wall -Wextra -Werror -pthread -I Sources/CAllot/include \
 *      Tests/CInterop/test_allot.c -L"$B" -lallot -Wl,-rpath,"$B" -o "$B/test_allot"
 *
 * Prints "N passed, 0 failed" and exits 0 when every check holds.
 */
#include <allot.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (cond) {                                                            \
      passed++;                                                            \
    } else {                                                               \
      failed++;                                                            \
      fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
    }                                                                      \
  } while (0)

/* Checks a call's status; on a mismatch prints the engine's message. */
#define CHECK_STATUS(engine, call, want)                                          \
  do {                                                                            \
    allot_status s_ = (call);                                                     \
    if (s_ == (want)) {                                                           \
      passed++;                                                                   \
    } else {                                                                      \
      failed++;                                                                   \
      fprintf(stderr, "%s:%d: %s\n  gave %s, want %s: %s (field '%s')\n", __FILE__, \
              __LINE__, #call, allot_errstr(s_), allot_errstr(want),              \
              allot_errmsg(engine), allot_errfield(engine));                      \
    }                                                                             \
  } while (0)

#define CHECK_STR(got, want)                                                              \
  do {                                                                                    \
    const char *g_ = (got);                                                               \
    if (g_ != NULL && strcmp(g_, (want)) == 0) {                                          \
      passed++;                                                                           \
    } else {                                                                              \
      failed++;                                                                           \
      fprintf(stderr, "%s:%d: %s\n  is \"%s\"\n  want \"%s\"\n", __FILE__, __LINE__, #got, \
              g_ ? g_ : "(null)", (want));                                                \
    }                                                                                     \
  } while (0)

/* One JSON call; returns the response, owned by the caller (allot_free). */
static char *call(allot_engine *e, const char *request) {
  char *response = NULL;
  size_t length = 0;
  allot_status s = allot_call_json(e, request, strlen(request), &response, &length);
  if (s != ALLOT_OK || response == NULL || strlen(response) != length) {
    failed++;
    fprintf(stderr, "allot_call_json(%s) gave %s: %s\n", request, allot_errstr(s),
            allot_errmsg(e));
    if (response == NULL) {
      response = malloc(1);
      if (response) response[0] = '\0';
    }
  } else {
    passed++;
  }
  return response;
}

/* Checks that a JSON call answers exactly `want`. */
static void expect_json(allot_engine *e, const char *request, const char *want) {
  char *r = call(e, request);
  if (r && strcmp(r, want) == 0) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "request  %s\n  answer %s\n  want   %s\n", request, r ? r : "(null)", want);
  }
  allot_free(r);
}

/* Checks that a JSON call's answer contains `part`. */
static void expect_json_contains(allot_engine *e, const char *request, const char *part) {
  char *r = call(e, request);
  if (r && strstr(r, part) != NULL) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "request  %s\n  answer %s\n  lacks  %s\n", request, r ? r : "(null)", part);
  }
  allot_free(r);
}

static int64_t scalar_of(const allot_amounts *a, allot_resource id) {
  for (size_t i = 0; i < a->scalar_count; i++) {
    if (a->scalars[i].resource == id) return a->scalars[i].milli;
  }
  return 0;
}

static allot_engine *new_engine(int manual_clock) {
  allot_config c;
  allot_engine *e = NULL;
  CHECK_STATUS(NULL, allot_config_init(&c, sizeof c), ALLOT_OK);
  c.manual_clock = manual_clock;
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_OK);
  CHECK(e != NULL);
  return e;
}

/* ----------------------------------------------------------------------------------------- */

static void test_versions(void) {
  CHECK_STR(allot_version(), ALLOT_VERSION_STRING);
  CHECK(allot_version_number() == ALLOT_VERSION_NUMBER);
  CHECK(ALLOT_VERSION_NUMBER ==
        ALLOT_VERSION_MAJOR * 1000000 + ALLOT_VERSION_MINOR * 1000 + ALLOT_VERSION_PATCH);
  CHECK_STR(allot_errstr(ALLOT_OK), "ok");
  CHECK_STR(allot_errstr(ALLOT_NOT_FOUND), "notFound");
  CHECK_STR(allot_errstr(ALLOT_MISUSE), "misuse");
  CHECK_STR(allot_errstr(12345), "unknown");
  CHECK_STR(allot_errstr(-1), "unknown");
}

/* The offer cycle of the README, typed. */
static void test_typed_offer_cycle(void) {
  allot_engine *e = new_engine(1);
  CHECK_STR(allot_errmsg(e), "not an error");
  CHECK_STR(allot_errfield(e), "");
  allot_resource cpus, mem, ports, cpus_again;
  CHECK_STATUS(e, allot_resource_id(e, "cpus", ALLOT_SCALAR, &cpus), ALLOT_OK);
  CHECK_STATUS(e, allot_resource_id(e, "mem", ALLOT_SCALAR, &mem), ALLOT_OK);
  CHECK_STATUS(e, allot_resource_id(e, "ports", ALLOT_RANGES, &ports), ALLOT_OK);
  CHECK_STATUS(e, allot_resource_id(e, "cpus", ALLOT_SCALAR, &cpus_again), ALLOT_OK);
  CHECK(cpus == cpus_again && cpus != mem && mem != ports);
  const char *name = NULL;
  int32_t kind = -1;
  CHECK_STATUS(e, allot_resource_name(e, ports, &name, &kind), ALLOT_OK);
  CHECK_STR(name, "ports");
  CHECK(kind == ALLOT_RANGES);

  allot_scalar a1[] = {{cpus, ALLOT_UNITS(8)}, {mem, ALLOT_UNITS(16384)}};
  allot_range a1_ports[] = {{ports, 31000, 31004}, {ports, 31005, 31009}};
  allot_label a1_labels[] = {{"zone", "us-east-1a"}};
  CHECK_STATUS(e, allot_agent_add(e, "a1", "node-1", a1, 2, a1_ports, 2, a1_labels, 1), ALLOT_OK);
  allot_scalar a2[] = {{cpus, ALLOT_UNITS(4)}, {mem, ALLOT_UNITS(8192)}};
  CHECK_STATUS(e, allot_agent_add(e, "a2", NULL, a2, 2, NULL, 0, NULL, 0), ALLOT_OK);
  CHECK_STATUS(e, allot_agent_add(e, "a2", NULL, a2, 2, NULL, 0, NULL, 0), ALLOT_CONFLICT);
  CHECK_STR(allot_errfield(e), "id");

  const char *roles[] = {"web"};
  CHECK_STATUS(e, allot_framework_add(e, "marathon", roles, 1, 0), ALLOT_OK);

  allot_offers *offers = NULL;
  CHECK_STATUS(e, allot_allocate(e, &offers), ALLOT_OK);
  CHECK(offers != NULL && offers->count == 2);
  uint64_t on_a1 = 0, on_a2 = 0;
  if (offers && offers->count == 2) {
    for (size_t i = 0; i < offers->count; i++) {
      const allot_offer *o = &offers->offers[i];
      CHECK_STR(o->framework, "marathon");
      CHECK_STR(o->role, "web");
      if (strcmp(o->agent, "a1") == 0) {
        on_a1 = o->id;
        CHECK_STR(o->hostname, "node-1");
        CHECK(scalar_of(&o->resources, cpus) == 8000);
        CHECK(scalar_of(&o->resources, mem) == 16384000);
        CHECK(o->resources.range_count == 1);
        if (o->resources.range_count == 1) {
          CHECK(o->resources.ranges[0].resource == ports);
          CHECK(o->resources.ranges[0].first == 31000 && o->resources.ranges[0].last == 31009);
        }
      } else {
        on_a2 = o->id;
        CHECK_STR(o->agent, "a2");
        CHECK_STR(o->hostname, "a2");
        CHECK(scalar_of(&o->resources, cpus) == 4000);
        CHECK(o->resources.range_count == 0 && o->resources.ranges == NULL);
      }
    }
  }
  allot_offers_free(offers);
  CHECK(on_a1 != 0 && on_a2 != 0);

  /* Accept two tasks on a1: one needs two ports by count. */
  allot_scalar web1[] = {{cpus, ALLOT_UNITS(1)}, {mem, ALLOT_UNITS(512)}, {ports, ALLOT_UNITS(2)}};
  allot_scalar web2[] = {{cpus, 1500}, {mem, ALLOT_UNITS(1024)}};
  allot_task tasks[] = {{"web-1", NULL, web1, 3, 0, 0}, {"web-2", "web", web2, 2, 0, 0}};
  allot_launched_tasks *launched = NULL;
  CHECK_STATUS(e, allot_offer_accept(e, on_a1, tasks, 2, ALLOT_REFUSE_DEFAULT, &launched),
               ALLOT_OK);
  CHECK(launched != NULL && launched->count == 2);
  if (launched && launched->count == 2) {
    CHECK_STR(launched->tasks[0].task, "web-1");
    CHECK(scalar_of(&launched->tasks[0].resources, cpus) == 1000);
    CHECK(launched->tasks[0].resources.range_count == 1);
    if (launched->tasks[0].resources.range_count == 1) {
      CHECK(launched->tasks[0].resources.ranges[0].first == 31000);
      CHECK(launched->tasks[0].resources.ranges[0].last == 31001);
    }
    CHECK_STR(launched->tasks[1].task, "web-2");
    CHECK(scalar_of(&launched->tasks[1].resources, cpus) == 1500);
    CHECK(scalar_of(&launched->tasks[1].resources, mem) == 1024000);
  }
  allot_launched_tasks_free(launched);

  /* The offer is gone: conflict; an id never issued: notFound. */
  CHECK_STATUS(e, allot_offer_accept(e, on_a1, tasks, 1, 0, NULL), ALLOT_CONFLICT);
  CHECK_STR(allot_errfield(e), "offer");
  CHECK_STATUS(e, allot_offer_decline(e, 999999, 0), ALLOT_NOT_FOUND);
  /* Too much for the a2 offer: insufficient, and the offer stays. */
  allot_scalar huge[] = {{cpus, ALLOT_UNITS(5)}};
  allot_task big = {"big", NULL, huge, 1, 0, 0};
  CHECK_STATUS(e, allot_offer_accept(e, on_a2, &big, 1, 0, NULL), ALLOT_INSUFFICIENT_RESOURCES);
  CHECK(strstr(allot_errmsg(e), "cpus") != NULL);
  CHECK_STATUS(e, allot_offer_decline(e, on_a2, ALLOT_UNITS(30)), ALLOT_OK);
  CHECK_STATUS(e, allot_offer_decline(e, on_a2, 0), ALLOT_CONFLICT);
  CHECK_STATUS(e, allot_offer_decline(e, 1, -5), ALLOT_INVALID_PARAMS);

  /* The same state through JSON: a1 holds the two tasks, a2 is filtered for 30 s. */
  expect_json_contains(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state\"}",
                       "\"allocated\":{\"cpus\":2.5,\"mem\":1536,\"ports\":[[31000,31001]]}");
  /* After 5 s a1's rest (refused for the default 5 s on accept) is offered again; a2 is still
     filtered. */
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"clock.advance\",\"params\":"
                 "{\"seconds\":5}}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"now\":5}}");
  CHECK_STATUS(e, allot_allocate(e, &offers), ALLOT_OK);
  CHECK(offers != NULL && offers->count == 1);
  if (offers && offers->count == 1) {
    CHECK_STR(offers->offers[0].agent, "a1");
    CHECK(scalar_of(&offers->offers[0].resources, cpus) == 5500);
    CHECK(offers->offers[0].resources.ranges[0].first == 31002);
  }
  allot_offers_free(offers);
  /* allocate without a result. */
  CHECK_STATUS(e, allot_allocate(e, NULL), ALLOT_OK);

  /* Roles: weight, quota, errors. */
  allot_scalar limit[] = {{cpus, ALLOT_UNITS(1)}};
  CHECK_STATUS(e, allot_role_update(e, "web", ALLOT_ROLE_WEIGHT, 2.0, NULL, 0, NULL, 0), ALLOT_OK);
  CHECK_STATUS(e, allot_role_update(e, "web", ALLOT_ROLE_WEIGHT, -1.0, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_role_update(e, "web", ALLOT_ROLE_QUOTA, 0, NULL, 0, limit, 1),
               ALLOT_QUOTA_EXCEEDED);
  CHECK_STATUS(e,
               allot_role_update(e, "web", ALLOT_ROLE_QUOTA | ALLOT_ROLE_FORCE, 0, NULL, 0, limit,
                                 1),
               ALLOT_OK);
  CHECK_STATUS(e, allot_role_update(e, "web", 64u, 0, NULL, 0, NULL, 0), ALLOT_INVALID_PARAMS);
  expect_json_contains(e, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"state\"}",
                       "{\"name\":\"web\",\"weight\":2,\"quota\":{\"guarantee\":{},\"limit\":{\"cpus\":1}}");

  /* Removing a1 loses its two tasks and rescinds its outstanding offer. */
  size_t rescinded = 99, lost = 99;
  CHECK_STATUS(e, allot_agent_remove(e, "a1", &rescinded, &lost), ALLOT_OK);
  CHECK(lost == 2);
  CHECK(rescinded == 1);
  CHECK_STATUS(e, allot_agent_remove(e, "a1", NULL, NULL), ALLOT_NOT_FOUND);
  size_t released = 99;
  CHECK_STATUS(e, allot_framework_remove(e, "marathon", &rescinded, &released), ALLOT_OK);
  CHECK(released == 0);
  allot_engine_destroy(e);
}

/* Placement, typed: place, gang, match, submit/schedule, release. */
static void test_typed_placement(void) {
  allot_engine *e = new_engine(1);
  allot_resource cpus, mem, gpus;
  CHECK_STATUS(e, allot_resource_id(e, "cpus", ALLOT_SCALAR, &cpus), ALLOT_OK);
  CHECK_STATUS(e, allot_resource_id(e, "mem", ALLOT_SCALAR, &mem), ALLOT_OK);
  CHECK_STATUS(e, allot_resource_id(e, "gpus", ALLOT_SCALAR, &gpus), ALLOT_OK);
  const char *agents[] = {"p1", "p2", "p3"};
  for (int i = 0; i < 3; i++) {
    allot_scalar r[] = {{cpus, ALLOT_UNITS(4)}, {mem, ALLOT_UNITS(8192)}};
    CHECK_STATUS(e, allot_agent_add(e, agents[i], NULL, r, 2, NULL, 0, NULL, 0), ALLOT_OK);
  }
  const char *roles[] = {"batch"};
  CHECK_STATUS(e, allot_framework_add(e, "spark", roles, 1, ALLOT_CAPABILITY_GPU), ALLOT_OK);
  CHECK_STATUS(e, allot_framework_add(e, "other", NULL, 0, 0), ALLOT_OK);

  /* binpack fills p1 first. */
  allot_scalar need[] = {{cpus, ALLOT_UNITS(2)}, {mem, ALLOT_UNITS(1024)}};
  allot_task tasks[] = {{"t1", NULL, need, 2, 0, 0}, {"t2", NULL, need, 2, 0, 0},
                        {"t3", NULL, need, 2, 0, 0}};
  allot_placements *p = NULL;
  CHECK_STATUS(e, allot_place(e, "spark", NULL, tasks, 3, ALLOT_BINPACK, 0, &p), ALLOT_OK);
  CHECK(p != NULL && p->placement_count == 3 && p->unplaced_count == 0);
  if (p && p->placement_count == 3) {
    CHECK_STR(p->placements[0].task, "t1");
    CHECK_STR(p->placements[0].agent, "p1");
    CHECK_STR(p->placements[1].agent, "p1");
    CHECK_STR(p->placements[2].agent, "p2");
    CHECK_STR(p->placements[0].role, "batch");
    CHECK_STR(p->placements[0].framework, "spark");
    CHECK(scalar_of(&p->placements[0].resources, cpus) == 2000);
    CHECK(p->pending == 0);
  }
  allot_placements_free(p);

  /* A task no agent fits: unplaced with the reason and kube-scheduler's sentence. */
  allot_scalar too_big[] = {{cpus, ALLOT_UNITS(64)}};
  allot_task big = {"huge", NULL, too_big, 1, 0, 0};
  CHECK_STATUS(e, allot_place(e, "spark", "batch", &big, 1, ALLOT_SPREAD, 0, &p), ALLOT_OK);
  CHECK(p != NULL && p->placement_count == 0 && p->unplaced_count == 1);
  if (p && p->unplaced_count == 1) {
    CHECK_STR(p->unplaced[0].task, "huge");
    CHECK(p->unplaced[0].reason == ALLOT_REASON_RESOURCES);
    CHECK_STR(p->unplaced[0].reason_name, "resources");
    CHECK(strstr(p->unplaced[0].message, "0/3") != NULL);
  }
  allot_placements_free(p);

  /* A gang of a fitting and a non-fitting task places nothing. */
  allot_task gang[] = {{"g1", NULL, need, 2, 0, 0}, {"g2", NULL, too_big, 1, 0, 0}};
  CHECK_STATUS(e, allot_place(e, "spark", NULL, gang, 2, ALLOT_FIRSTFIT, 1, &p), ALLOT_OK);
  CHECK(p != NULL && p->placement_count == 0 && p->unplaced_count == 2);
  if (p && p->unplaced_count == 2) {
    CHECK(p->unplaced[0].reason == ALLOT_REASON_GANG);
    CHECK(p->unplaced[1].reason == ALLOT_REASON_RESOURCES);
  }
  allot_placements_free(p);

  /* Errors. */
  CHECK_STATUS(e, allot_place(e, "spark", NULL, tasks, 1, ALLOT_BINPACK, 0, NULL), ALLOT_CONFLICT);
  CHECK_STR(allot_errfield(e), "tasks[0].id");
  CHECK_STATUS(e, allot_place(e, "nobody", NULL, tasks, 1, ALLOT_BINPACK, 0, NULL),
               ALLOT_NOT_FOUND);
  CHECK_STATUS(e, allot_place(e, "spark", "elsewhere", tasks, 1, ALLOT_BINPACK, 0, NULL),
               ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_place(e, "spark", NULL, tasks, 1, 17, 0, NULL), ALLOT_INVALID_PARAMS);
  CHECK_STR(allot_errfield(e), "strategy");

  /* match: p3 is empty, p2 half full; spread prefers p3. */
  allot_matches *m = NULL;
  CHECK_STATUS(e, allot_match(e, NULL, NULL, need, 2, ALLOT_SPREAD, &m), ALLOT_OK);
  CHECK(m != NULL && m->count == 2);
  if (m && m->count == 2) {
    CHECK_STR(m->agents[0].agent, "p3");
    CHECK_STR(m->agents[1].agent, "p2");
    CHECK(m->agents[0].score >= m->agents[1].score);
    CHECK(m->agents[0].score == m->agents[0].resources + m->agents[0].affinity +
                                    m->agents[0].taints + m->agents[0].spread);
  }
  allot_matches_free(m);

  /* submit + schedule: two queued, one fits now. */
  allot_scalar four[] = {{cpus, ALLOT_UNITS(4)}};
  allot_task queued[] = {{"q1", NULL, four, 1, 0, 0}, {"q2", NULL, four, 1, 0, 5}};
  size_t pending = 0;
  CHECK_STATUS(e, allot_submit(e, "other", NULL, queued, 2, &pending), ALLOT_OK);
  CHECK(pending == 2);
  CHECK_STATUS(e, allot_schedule(e, ALLOT_BINPACK, ALLOT_UNLIMITED, &p), ALLOT_OK);
  CHECK(p != NULL && p->placement_count == 1 && p->pending == 1);
  if (p && p->placement_count == 1) {
    CHECK_STR(p->placements[0].task, "q2"); /* higher priority first */
    CHECK_STR(p->placements[0].agent, "p3");
    CHECK_STR(p->placements[0].role, "default");
  }
  allot_placements_free(p);
  CHECK_STATUS(e, allot_schedule(e, ALLOT_BINPACK, -7, NULL), ALLOT_INVALID_PARAMS);
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"task.status\",\"params\":"
                 "{\"framework\":\"other\",\"task\":\"q2\"}}",
              "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"state\":\"running\",\"agent\":\"p3\"}}");

  /* release: running, pending, unknown (ignored). */
  const char *gone[] = {"t1", "q1", "nope"};
  size_t released = 0;
  CHECK_STATUS(e, allot_release(e, "spark", gone, 1, &released), ALLOT_OK);
  CHECK(released == 1);
  CHECK_STATUS(e, allot_release(e, "other", gone + 1, 2, &released), ALLOT_OK);
  CHECK(released == 1);
  CHECK_STATUS(e, allot_release(e, "nobody", gone, 1, NULL), ALLOT_NOT_FOUND);
  allot_engine_destroy(e);
}

/* The same offer cycle and placement through allot_call_json. */
static void test_json(void) {
  allot_engine *e = new_engine(1);
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"version\":\"1\"}}");
  /* A trailing line ending is ignored; empty lines and notifications answer "". */
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"ping\"}\r\n",
              "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{\"version\":\"1\"}}");
  expect_json(e, "", "");
  expect_json(e, "\r\n", "");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}", "");
  char *r = NULL;
  size_t n = 77;
  CHECK_STATUS(e, allot_call_json(e, NULL, 0, &r, &n), ALLOT_OK);
  CHECK(r != NULL && r[0] == '\0' && n == 0);
  allot_free(r);
  /* Not NUL-terminated: only `length` bytes are read. */
  const char ping[] = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}XXXX";
  CHECK_STATUS(e, allot_call_json(e, ping, sizeof ping - 5, &r, NULL), ALLOT_OK);
  CHECK_STR(r, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"version\":\"1\"}}");
  allot_free(r);
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}",
              "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":\"method "
              "not found: nope\"}}");
  expect_json_contains(e, "{not json", "\"code\":-32700");

  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"agent.add\",\"params\":{\"id\":\"a1\","
                 "\"resources\":{\"cpus\":8,\"mem\":16384,\"ports\":[[31000,31009]]}}}",
              "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"framework.add\",\"params\":"
                 "{\"id\":\"marathon\",\"roles\":[\"web\"]}}",
              "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}");
  /* Offer ids come from the engine's sequence: the first offer is o1. */
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"allocate\"}",
              "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"offers\":[{\"id\":\"o1\",\"framework\":"
              "\"marathon\",\"role\":\"web\",\"agent\":\"a1\",\"hostname\":\"a1\",\"resources\":"
              "{\"cpus\":8,\"mem\":16384,\"ports\":[[31000,31009]]}}]}}");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"offer.accept\",\"params\":{\"offer\":"
                 "\"o1\",\"tasks\":[{\"id\":\"web-1\",\"resources\":{\"cpus\":1,\"mem\":512,"
                 "\"ports\":2}}],\"refuseSeconds\":0}}",
              "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{\"tasks\":[{\"id\":\"web-1\",\"resources\":"
              "{\"cpus\":1,\"mem\":512,\"ports\":[[31000,31001]]}}]}}");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"offer.decline\",\"params\":"
                 "{\"offer\":\"o1\"}}",
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":1000,\"message\":\"offer 'o1' was "
              "already accepted, declined or rescinded\",\"data\":{\"kind\":\"conflict\","
              "\"field\":\"offer\"}}}");
  expect_json_contains(e, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"allocate\"}",
                       "\"id\":\"o2\"");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"offer.decline\",\"params\":"
                 "{\"offer\":\"o2\",\"refuseSeconds\":0}}",
              "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}");
  /* Placement through JSON, then the typed view of the same engine agrees. */
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"task.place\",\"params\":"
                 "{\"framework\":\"marathon\",\"tasks\":[{\"id\":\"api-1\",\"resources\":"
                 "{\"cpus\":2,\"mem\":1024}}]}}",
              "{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":{\"placements\":[{\"task\":\"api-1\","
              "\"framework\":\"marathon\",\"role\":\"web\",\"agent\":\"a1\",\"hostname\":\"a1\","
              "\"resources\":{\"cpus\":2,\"mem\":1024}}],\"unplaced\":[]}}");
  /* Matching rules exist only through JSON: a selector and a Marathon LIKE constraint (an ICU
     regular expression, so valgrind also covers Foundation's regex path). */
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"agent.update\",\"params\":"
                 "{\"id\":\"a1\",\"labels\":{\"os\":\"ubuntu-22\"}}}",
              "{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":{\"rescinded\":[]}}");
  char *placed_json = call(e, "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"task.place\",\"params\":"
                              "{\"framework\":\"marathon\",\"tasks\":[{\"id\":\"l-1\",\"resources\":"
                              "{\"cpus\":1},\"selector\":\"os\",\"constraints\":[[\"os\",\"LIKE\","
                              "\"ubuntu.*\"]]},{\"id\":\"l-2\",\"resources\":{\"cpus\":1},"
                              "\"constraints\":\"os:UNLIKE:ubuntu.*\"}]}}");
  CHECK(strstr(placed_json, "\"placements\":[{\"task\":\"l-1\",\"framework\":\"marathon\","
                            "\"role\":\"web\",\"agent\":\"a1\"") != NULL);
  CHECK(strstr(placed_json, "\"unplaced\":[{\"task\":\"l-2\",\"reason\":\"constraints\"") != NULL);
  allot_free(placed_json);
  expect_json_contains(e, "{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"task.status\",\"params\":"
                          "{\"framework\":\"marathon\",\"task\":\"l-1\"}}",
                       "\"state\":\"running\"");
  const char *placed[] = {"l-1"};
  CHECK_STATUS(e, allot_release(e, "marathon", placed, 1, NULL), ALLOT_OK);
  /* Resources first named through JSON get ids of their own in typed results. */
  allot_offers *offers = NULL;
  CHECK_STATUS(e, allot_allocate(e, &offers), ALLOT_OK);
  CHECK(offers != NULL && offers->count == 1);
  if (offers && offers->count == 1) {
    const allot_amounts *a = &offers->offers[0].resources;
    CHECK(a->scalar_count == 2 && a->range_count == 1);
    const char *name = NULL;
    int32_t kind = -1;
    if (a->scalar_count == 2) {
      CHECK_STATUS(e, allot_resource_name(e, a->scalars[0].resource, &name, &kind), ALLOT_OK);
      CHECK_STR(name, "cpus");
      CHECK(kind == ALLOT_SCALAR);
      CHECK(a->scalars[0].milli == 5000);
    }
    if (a->range_count == 1) {
      CHECK_STATUS(e, allot_resource_name(e, a->ranges[0].resource, &name, &kind), ALLOT_OK);
      CHECK_STR(name, "ports");
      CHECK(kind == ALLOT_RANGES);
      CHECK(a->ranges[0].first == 31002 && a->ranges[0].last == 31009);
    }
    CHECK(offers->offers[0].id == 3);
  }
  allot_offers_free(offers);
  /* Batches, and clock.advance with a manual clock. */
  expect_json(e, "[{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\","
                 "\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"clock.advance\","
                 "\"params\":{\"seconds\":1.5}}]",
              "[{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":{\"version\":\"1\"}},{\"jsonrpc\":\"2.0\","
              "\"id\":12,\"result\":{\"now\":1.5}}]");
  expect_json(e, "[]",
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid "
              "request: an empty batch\"}}");
  allot_engine_destroy(e);

  /* Without a manual clock, clock.advance is unavailable. */
  allot_engine *sys = NULL;
  CHECK_STATUS(NULL, allot_engine_create(NULL, &sys), ALLOT_OK);
  expect_json_contains(sys, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"clock.advance\","
                            "\"params\":{\"seconds\":1}}",
                       "\"kind\":\"unavailable\"");
  allot_engine_destroy(sys);
}

/* Configuration: every setting, and the line limit. */
static void test_config(void) {
  allot_config c;
  CHECK_STATUS(NULL, allot_config_init(&c, sizeof c), ALLOT_OK);
  CHECK(c.struct_size == sizeof c && c.manual_clock == 0 && c.min_allocatable == NULL &&
        c.max_line == 0);
  const char *excluded[] = {"gpus"};
  c.manual_clock = 1;
  c.use_shuffle_seed = 1;
  c.shuffle_seed = 42;
  c.min_allocatable = "cpus:1;mem:100|gpus:1";
  c.exclude_from_shares = excluded;
  c.exclude_from_shares_count = 1;
  c.allocation_interval_milli = 1000;
  c.max_line = 128;
  allot_engine *e = NULL;
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_OK);
  /* An agent below the minimum gets no offer; the interval runs a cycle every second. */
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"agent.add\",\"params\":"
                 "{\"id\":\"s\",\"resources\":{\"cpus\":1,\"mem\":50}}}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"framework.add\",\"params\":"
                 "{\"id\":\"f\"}}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"allocate\"}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"offers\":[]}}");
  /* The allocation interval: advancing the clock past 1 s runs the cycle due then, which
     offers the agent that meets the minimum. */
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"agent.add\",\"params\":"
                 "{\"id\":\"b\",\"resources\":{\"cpus\":2,\"mem\":200}}}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"offers\"}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"offers\":[]}}");
  expect_json(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"clock.advance\",\"params\":"
                 "{\"seconds\":1.5}}",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"now\":1.5}}");
  expect_json_contains(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"offers\"}",
                       "\"agent\":\"b\"");
  /* A request over max_line (128 bytes) is tooLarge; 128 bytes exactly is fine. */
  char line[256];
  memset(line, ' ', sizeof line);
  memcpy(line, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 40);
  char *r = NULL;
  CHECK_STATUS(e, allot_call_json(e, line, 128, &r, NULL), ALLOT_OK);
  CHECK_STR(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"version\":\"1\"}}");
  allot_free(r);
  CHECK_STATUS(e, allot_call_json(e, line, 129, &r, NULL), ALLOT_OK);
  CHECK(r != NULL && strstr(r, "\"kind\":\"tooLarge\"") != NULL && strstr(r, "-32600") != NULL);
  allot_free(r);
  /* The engine still answers after a tooLarge. */
  CHECK_STATUS(e, allot_call_json(e, line, 41, &r, NULL), ALLOT_OK);
  CHECK_STR(r, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"version\":\"1\"}}");
  allot_free(r);
  allot_engine_destroy(e);

  /* Malformed settings. */
  c.max_line = 0;
  c.min_allocatable = "cpus";
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_INVALID_PARAMS);
  CHECK(e == NULL);
  CHECK(strstr(allot_errmsg(NULL), "name:amount") != NULL);
  CHECK_STR(allot_errfield(NULL), "min_allocatable");
  c.min_allocatable = "cpus:-1";
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_INVALID_PARAMS);
  c.min_allocatable = "CPUS:1";
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_INVALID_PARAMS);
  c.min_allocatable = "";
  excluded[0] = "Bad Name";
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_INVALID_PARAMS);
  excluded[0] = "gpus";
  c.allocation_interval_milli = -1;
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_INVALID_PARAMS);
  c.allocation_interval_milli = 0;
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_OK);
  allot_engine_destroy(e);

  /* struct_size: too small, or larger with unknown non-zero fields, is misuse; larger with
     zeros (a newer header using no new field) is accepted. */
  struct {
    allot_config config;
    uint64_t newer_field;
  } newer;
  memset(&newer, 0, sizeof newer);
  CHECK_STATUS(NULL, allot_config_init(&newer.config, sizeof newer), ALLOT_OK);
  CHECK(newer.config.struct_size == sizeof newer);
  CHECK_STATUS(NULL, allot_engine_create(&newer.config, &e), ALLOT_OK);
  allot_engine_destroy(e);
  newer.newer_field = 1;
  CHECK_STATUS(NULL, allot_engine_create(&newer.config, &e), ALLOT_MISUSE);
  CHECK_STR(allot_errfield(NULL), "struct_size");
  c.struct_size = sizeof(size_t);
  CHECK_STATUS(NULL, allot_engine_create(&c, &e), ALLOT_MISUSE);
  CHECK_STATUS(NULL, allot_config_init(&c, 4), ALLOT_MISUSE);
  CHECK_STATUS(NULL, allot_config_init(NULL, sizeof c), ALLOT_MISUSE);
  CHECK_STATUS(NULL, allot_engine_create(NULL, NULL), ALLOT_MISUSE);
}

/* Null pointers, bad lengths, ids never issued: a status, never a crash. */
static void test_misuse(void) {
  allot_engine *e = new_engine(0);
  allot_resource cpus, ports;
  CHECK_STATUS(e, allot_resource_id(e, "cpus", ALLOT_SCALAR, &cpus), ALLOT_OK);
  CHECK_STATUS(e, allot_resource_id(e, "ports", ALLOT_RANGES, &ports), ALLOT_OK);
  allot_scalar one[] = {{cpus, 1000}};

  CHECK_STATUS(NULL, allot_agent_add(NULL, "a", NULL, one, 1, NULL, 0, NULL, 0), ALLOT_MISUSE);
  CHECK_STR(allot_errmsg(NULL), "engine is NULL");
  CHECK_STATUS(e, allot_agent_add(e, NULL, NULL, one, 1, NULL, 0, NULL, 0), ALLOT_MISUSE);
  CHECK_STR(allot_errfield(e), "id");
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, NULL, 3, NULL, 0, NULL, 0), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, one, SIZE_MAX, NULL, 0, NULL, 0), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, one, (size_t)1 << 40, NULL, 0, NULL, 0),
               ALLOT_MISUSE);
  allot_scalar never[] = {{977, 1000}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, never, 1, NULL, 0, NULL, 0), ALLOT_MISUSE);
  CHECK_STR(allot_errfield(e), "scalars[0]");
  allot_label bad_label[] = {{"k", NULL}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, one, 1, NULL, 0, bad_label, 1), ALLOT_MISUSE);
  CHECK_STR(allot_errfield(e), "labels[0].value");
  /* Wrong kinds, bad ranges, bad values. */
  allot_scalar ports_as_scalar[] = {{ports, 1000}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, ports_as_scalar, 1, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  allot_range cpus_as_range[] = {{cpus, 1, 2}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, NULL, 0, cpus_as_range, 1, NULL, 0),
               ALLOT_INVALID_PARAMS);
  allot_range backwards[] = {{ports, 9, 2}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, NULL, 0, backwards, 1, NULL, 0),
               ALLOT_INVALID_PARAMS);
  allot_range too_far[] = {{ports, 0, UINT64_MAX}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, NULL, 0, too_far, 1, NULL, 0),
               ALLOT_INVALID_PARAMS);
  allot_scalar negative[] = {{cpus, -1}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, negative, 1, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  allot_scalar enormous[] = {{cpus, INT64_MAX}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, enormous, 1, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  allot_scalar twice[] = {{cpus, 1000}, {cpus, 2000}};
  CHECK_STATUS(e, allot_agent_add(e, "a", NULL, twice, 2, NULL, 0, NULL, 0), ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_agent_add(e, "\xff\xfe", NULL, one, 1, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_agent_add(e, "", NULL, one, 1, NULL, 0, NULL, 0), ALLOT_INVALID_PARAMS);
  /* Nothing above changed the state. */
  expect_json_contains(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state\"}", "\"agents\":[]");

  /* Resource ids. */
  allot_resource id;
  CHECK_STATUS(e, allot_resource_id(e, "Bad", ALLOT_SCALAR, &id), ALLOT_INVALID_PARAMS);
  CHECK_STR(allot_errfield(e), "name");
  CHECK_STATUS(e, allot_resource_id(e, "mem", 7, &id), ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_resource_id(e, NULL, ALLOT_SCALAR, &id), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_resource_id(e, "mem", ALLOT_SCALAR, NULL), ALLOT_MISUSE);
  const char *name;
  CHECK_STATUS(e, allot_resource_name(e, 1000, &name, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_resource_name(e, cpus, NULL, NULL), ALLOT_MISUSE);

  /* Frameworks, roles, offers, placement. */
  CHECK_STATUS(e, allot_framework_add(e, "f", NULL, 2, 0), ALLOT_MISUSE);
  const char *null_role[] = {NULL};
  CHECK_STATUS(e, allot_framework_add(e, "f", null_role, 1, 0), ALLOT_MISUSE);
  CHECK_STR(allot_errfield(e), "roles[0]");
  const char *star[] = {"*"};
  CHECK_STATUS(e, allot_framework_add(e, "f", star, 1, 0), ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_framework_remove(e, NULL, NULL, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_role_update(e, "r", ALLOT_ROLE_QUOTA, 0, NULL, 1, NULL, 0), ALLOT_MISUSE);
  allot_scalar port_quota[] = {{ports, 1000}};
  CHECK_STATUS(e, allot_role_update(e, "r", ALLOT_ROLE_QUOTA, 0, port_quota, 1, NULL, 0),
               ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_offer_accept(e, 1, NULL, 1, 0, NULL), ALLOT_MISUSE);
  allot_task no_id = {NULL, NULL, NULL, 0, 0, 0};
  CHECK_STATUS(e, allot_offer_accept(e, 1, &no_id, 1, 0, NULL), ALLOT_MISUSE);
  CHECK_STR(allot_errfield(e), "tasks[0].id");
  allot_task no_resources = {"t", NULL, NULL, 2, 0, 0};
  CHECK_STATUS(e, allot_place(e, "f", NULL, &no_resources, 1, 0, 0, NULL), ALLOT_MISUSE);
  CHECK_STR(allot_errfield(e), "tasks[0].resources");
  CHECK_STATUS(e, allot_place(e, NULL, NULL, NULL, 0, 0, 0, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_submit(e, "f", NULL, NULL, 4, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_release(e, "f", NULL, 1, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_match(e, NULL, NULL, one, 1, 0, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_match(e, NULL, NULL, NULL, 1, 0, NULL), ALLOT_MISUSE);

  /* Extreme values are rejected as parameters, never trapped on. */
  allot_scalar two_cpus[] = {{cpus, ALLOT_UNITS(2)}};
  CHECK_STATUS(e, allot_agent_add(e, "x1", NULL, two_cpus, 1, NULL, 0, NULL, 0), ALLOT_OK);
  CHECK_STATUS(e, allot_framework_add(e, "fx", NULL, 0, 0xffffffffu), ALLOT_OK);
  CHECK_STATUS(e, allot_role_update(e, "r", ALLOT_ROLE_WEIGHT, NAN, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_role_update(e, "r", ALLOT_ROLE_WEIGHT, INFINITY, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_role_update(e, "r", ALLOT_ROLE_WEIGHT, 0.0, NULL, 0, NULL, 0),
               ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_offer_decline(e, 1, INT64_MAX), ALLOT_INVALID_PARAMS);
  CHECK_STATUS(e, allot_offer_decline(e, 0, 0), ALLOT_NOT_FOUND);
  CHECK_STATUS(e, allot_offer_decline(e, UINT64_MAX, 0), ALLOT_NOT_FOUND);
  allot_task odd = {"odd", "g", two_cpus, 1, -5, INT64_MIN};
  allot_placements *p = NULL;
  CHECK_STATUS(e, allot_place(e, "fx", NULL, &odd, 1, ALLOT_BINPACK, 0, &p), ALLOT_INVALID_PARAMS);
  CHECK(p == NULL);
  CHECK_STR(allot_errfield(e), "tasks[0].groupSize"); /* fields use the contract's names */
  allot_task low = {"low", NULL, two_cpus, 1, 0, INT64_MIN};
  allot_task high = {"high", NULL, two_cpus, 1, 0, INT64_MAX};
  CHECK_STATUS(e, allot_submit(e, "fx", NULL, &low, 1, NULL), ALLOT_OK);
  CHECK_STATUS(e, allot_submit(e, "fx", NULL, &high, 1, NULL), ALLOT_OK);
  CHECK_STATUS(e, allot_schedule(e, ALLOT_FIRSTFIT, INT64_MAX, NULL), ALLOT_OK);
  allot_task empty_accept = {"none", NULL, NULL, 0, 0, 0};
  CHECK_STATUS(e, allot_offer_accept(e, 1, &empty_accept, 0, 0, NULL), ALLOT_NOT_FOUND);

  /* JSON. */
  char *r = (char *)&r; /* set to NULL by the call on misuse */
  CHECK_STATUS(e, allot_call_json(e, NULL, 5, &r, NULL), ALLOT_MISUSE);
  CHECK(r == NULL);
  CHECK_STATUS(e, allot_call_json(e, "{}", 2, NULL, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_call_json(e, "{}", SIZE_MAX, &r, NULL), ALLOT_MISUSE);
  CHECK_STATUS(NULL, allot_call_json(NULL, "{}", 2, &r, NULL), ALLOT_MISUSE);
  CHECK_STATUS(e, allot_call_json(e, "\xff", 1, &r, NULL), ALLOT_OK);
  CHECK(r != NULL && strstr(r, "-32700") != NULL);
  allot_free(r);

  /* Frees of NULL are no-ops; destroy of NULL too. */
  allot_free(NULL);
  allot_offers_free(NULL);
  allot_launched_tasks_free(NULL);
  allot_placements_free(NULL);
  allot_matches_free(NULL);
  allot_engine_destroy(NULL);
  allot_engine_destroy(e);
}

/* One engine from several threads, and several engines at once. */
enum { THREADS = 4, ROUNDS = 60 };

struct worker {
  allot_engine *engine;
  int index;
  int ok;
};

static void *work(void *arg) {
  struct worker *w = arg;
  allot_engine *e = w->engine;
  allot_resource cpus;
  w->ok = allot_resource_id(e, "cpus", ALLOT_SCALAR, &cpus) == ALLOT_OK;
  char id[32], req[256];
  for (int i = 0; i < ROUNDS; i++) {
    snprintf(id, sizeof id, "w%d-%d", w->index, i);
    allot_scalar r[] = {{cpus, ALLOT_UNITS(1)}};
    if (allot_agent_add(e, id, NULL, r, 1, NULL, 0, NULL, 0) != ALLOT_OK) w->ok = 0;
    /* A failure's message belongs to this thread until its next failure. */
    if (allot_agent_add(e, id, NULL, r, 1, NULL, 0, NULL, 0) != ALLOT_CONFLICT) w->ok = 0;
    const char *msg = allot_errmsg(e);
    if (strstr(msg, id) == NULL) w->ok = 0;
    snprintf(req, sizeof req,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"agent.remove\",\"params\":{\"id\":\"%s\"}}",
             i, id);
    char *resp = NULL;
    if (allot_call_json(e, req, strlen(req), &resp, NULL) != ALLOT_OK || resp == NULL ||
        strstr(resp, "\"result\"") == NULL) {
      w->ok = 0;
    }
    allot_free(resp);
    if (strstr(msg, id) == NULL) w->ok = 0; /* still this thread's message */
    allot_offers *offers = NULL;
    if (allot_allocate(e, &offers) != ALLOT_OK) w->ok = 0;
    allot_offers_free(offers);
  }
  return NULL;
}

static void test_threads(void) {
  allot_engine *shared = new_engine(1);
  allot_engine *own[THREADS];
  pthread_t threads[2 * THREADS];
  struct worker workers[2 * THREADS];
  const char *roles[] = {"r"};
  CHECK_STATUS(shared, allot_framework_add(shared, "f", roles, 1, 0), ALLOT_OK);
  for (int i = 0; i < 2 * THREADS; i++) {
    if (i >= THREADS) own[i - THREADS] = new_engine(1);
    workers[i].engine = i < THREADS ? shared : own[i - THREADS];
    workers[i].index = i;
    workers[i].ok = 0;
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (int i = 0; i < 2 * THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].ok);
  }
  /* Every agent was removed again; nothing is left over in any engine. */
  expect_json_contains(shared, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state\"}",
                       "\"agents\":[]");
  for (int i = 0; i < THREADS; i++) allot_engine_destroy(own[i]);
  allot_engine_destroy(shared);
}

int main(void) {
  test_versions();
  test_typed_offer_cycle();
  test_typed_placement();
  test_json();
  test_config();
  test_misuse();
  test_threads();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
