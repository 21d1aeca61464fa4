/*
 * allot.h - the C API of Allot, a resource-allocation engine for shared clusters.
 *
 * This header is the ABI and its single source of truth: liballot.so implements exactly these
 * declarations (Sources/AllotC, checked against this file by the Swift compiler).
 *
 * Shape (after SQLite's API):
 *   - an opaque engine handle, made by allot_engine_create and freed by allot_engine_destroy;
 *   - every function that can fail returns an allot_status; allot_errmsg and allot_errfield
 *     say what went wrong, in the words of the wire contract (../shared/spec/protocol.md);
 *   - ownership and lifetime are written on every declaration: "borrowed" pointers are read
 *     during the call only and may be freed by the caller as soon as it returns; "owned by the
 *     engine" pointers stay valid for the documented time and must not be freed; results the
 *     caller owns are freed with the free function named on the declaration;
 *   - typed functions for the hot paths, with resources as arrays of (resource id, value)
 *     after interning names once with allot_resource_id;
 *   - allot_call_json for everything else: one JSON-RPC 2.0 line of the wire contract in, one
 *     line out, through the same dispatcher the allotd server uses.
 *
 * Values: strings are NUL-terminated UTF-8; invalid UTF-8 is ALLOT_INVALID_PARAMS. Scalar
 * amounts are fixed point in thousandths ("milli"): 1.5 cpus is 1500, 512 MiB of mem is
 * 512000 (see ALLOT_UNITS). Durations are thousandths of a second. A NULL pointer where the
 * declaration does not allow one, or a non-zero count with a NULL array, is ALLOT_MISUSE and
 * never a crash. No function keeps a borrowed pointer past its return.
 *
 * Threads: one engine may be used from several threads at once; calls on it are serialised
 * inside the engine. Separate engines are independent and run in parallel. Every call
 * except allot_engine_destroy may race with any other call.
 *
 * C11 or C++ (extern "C"); clean under -Wall -Wextra -Werror with gcc and clang.
 */
#ifndef ALLOT_H
#define ALLOT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------- */

/** The version of this header: major, minor and patch (semantic versioning of the ABI). */
#define ALLOT_VERSION_MAJOR 0
#define ALLOT_VERSION_MINOR 1
#define ALLOT_VERSION_PATCH 0
/** MAJOR * 1000000 + MINOR * 1000 + PATCH: 1000 for 0.1.0. */
#define ALLOT_VERSION_NUMBER \
  (ALLOT_VERSION_MAJOR * 1000000 + ALLOT_VERSION_MINOR * 1000 + ALLOT_VERSION_PATCH)
/** The version as text. */
#define ALLOT_VERSION_STRING "0.1.0"

/* Closed enums: Swift imports them as exhaustive enums; gcc does not know the attribute. */
#if defined(__has_attribute)
#if __has_attribute(enum_extensibility)
#define ALLOT_CLOSED_ENUM __attribute__((enum_extensibility(closed)))
#endif
#endif
#ifndef ALLOT_CLOSED_ENUM
#define ALLOT_CLOSED_ENUM
#endif

/**
 * The version of the linked library as text ("0.1.0"), to compare with ALLOT_VERSION_STRING.
 *
 * Returns a static string: never NULL, never freed. Thread-safe.
 */
const char *allot_version(void);

/**
 * The version of the linked library as a number (ALLOT_VERSION_NUMBER of its header).
 *
 * A program built against this header runs with a library whose number has the same major
 * part and a minor part at least as large. Thread-safe.
 */
int32_t allot_version_number(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------------- */

/**
 * What a call did. ALLOT_OK is 0; codes 1 to 10 are the wire contract's error kinds (1 is
 * JSON-RPC -32602, 2 to 10 are application error 1000 with that data.kind); codes from 20 on
 * are the C API's own. After any code but ALLOT_OK, allot_errmsg says why.
 */
typedef enum ALLOT_CLOSED_ENUM allot_status {
  /** Success. */
  ALLOT_OK = 0,
  /** A parameter has the wrong type, range or form (-32602). */
  ALLOT_INVALID_PARAMS = 1,
  /** A named agent, framework, task or offer does not exist (notFound). */
  ALLOT_NOT_FOUND = 2,
  /** The request contradicts the state: duplicate id, offer no longer outstanding (conflict). */
  ALLOT_CONFLICT = 3,
  /** A label selector or affinity term is malformed (invalidSelector). */
  ALLOT_INVALID_SELECTOR = 4,
  /** A placement constraint is malformed (invalidConstraint). */
  ALLOT_INVALID_CONSTRAINT = 5,
  /** The resources asked for are not there (insufficientResources). */
  ALLOT_INSUFFICIENT_RESOURCES = 6,
  /** The request would take a role past its quota limit (quotaExceeded). */
  ALLOT_QUOTA_EXCEEDED = 7,
  /** Not authorised (unauthorized; the C API is always authorised, so never returned today). */
  ALLOT_UNAUTHORIZED = 8,
  /** Refused because a bound on pending work was reached; nothing changed (overloaded). */
  ALLOT_OVERLOADED = 9,
  /** Not available in this configuration (unavailable). */
  ALLOT_UNAVAILABLE = 10,
  /** The API was used wrongly: a NULL pointer, a NULL array with a non-zero count, a length
      or count too large, a wrong struct_size, an id this engine never issued. */
  ALLOT_MISUSE = 20,
  /** Memory for a result or a response could not be allocated. The call's effect on the
      engine stands (offers made by allot_allocate stay outstanding: list them with the JSON
      method "offers"). */
  ALLOT_NOMEM = 21,
  /** A bug in Allot; please report it with allot_errmsg. */
  ALLOT_INTERNAL = 22
} allot_status;

/**
 * A short English name of a status code ("ok", "invalidParams", "notFound", ..., "misuse",
 * "nomem", "internal"; "unknown" for any other value).
 *
 * `status` is an int so that any value may be passed. Returns a static string: never NULL,
 * never freed. Thread-safe.
 */
const char *allot_errstr(int32_t status);

/* ---------------------------------------------------------------------------------------------
 * Engines
 * ------------------------------------------------------------------------------------------- */

/** An engine: cluster state, hierarchical DRF order, offers and placement. Opaque. */
typedef struct allot_engine allot_engine;

/**
 * Engine settings: those of the contract's "Server options" that apply to an engine.
 *
 * Every field's zero value is its default, so a zeroed struct with struct_size set is the
 * default configuration: `allot_config c = {sizeof c};` or allot_config_init. Fields may be
 * added at the end in later versions; struct_size says which ones the caller knows.
 */
typedef struct allot_config {
  /** sizeof(allot_config) as the caller compiled it. Must be set. */
  size_t struct_size;
  /** Non-zero: a manual clock that starts at 0 and moves only with the JSON method
      clock.advance (which is otherwise unavailable). Zero: seconds since creation. */
  int32_t manual_clock;
  /** Non-zero: agents are visited in a shuffle redone every cycle from shuffle_seed and the
      cycle number (--shuffle-seed). Zero: in insertion order. */
  int32_t use_shuffle_seed;
  /** The seed, read when use_shuffle_seed is non-zero. */
  uint64_t shuffle_seed;
  /** The minimum offer for frameworks that set none, in --min-allocatable syntax:
      "cpus:0.01|mem:32" ('|' separates alternatives, ';' joins amounts that must all be
      present). NULL: that default. "": any non-empty offer. Borrowed during
      allot_engine_create. */
  const char *min_allocatable;
  /** Resource names left out of dominant shares (--exclude-from-shares); NULL when
      exclude_from_shares_count is 0. Borrowed during allot_engine_create. */
  const char *const *exclude_from_shares;
  /** The number of names in exclude_from_shares. */
  size_t exclude_from_shares_count;
  /** Allocation interval in thousandths of a second (--allocation-interval); 0: none. With a
      manual clock, clock.advance runs the cycles that come due; the C API runs no thread of
      its own, so with the system clock cycles run only when allot_allocate is called. */
  int64_t allocation_interval_milli;
  /** The longest request allot_call_json accepts, in bytes without the line ending
      (--max-line); 0: 1 MiB. */
  size_t max_line;
} allot_config;

/**
 * Fills `config` with the defaults: zeroes its first `struct_size` bytes and sets its
 * struct_size field. Pass sizeof(allot_config) (or sizeof *config).
 *
 * `config` is borrowed (written, not kept). Returns ALLOT_MISUSE for a NULL config or a
 * struct_size smaller than this library's first allot_config. Thread-safe.
 */
allot_status allot_config_init(allot_config *config, size_t struct_size);

/**
 * Creates an engine.
 *
 * `config` is borrowed during the call; NULL means the defaults. `*out` receives the engine,
 * owned by the caller and freed with allot_engine_destroy; on any error `*out` is set to NULL
 * and allot_errmsg(NULL) says why (ALLOT_INVALID_PARAMS for a malformed minimum or excluded
 * name, ALLOT_MISUSE for a NULL `out` or a wrong struct_size: smaller than the first
 * allot_config, or larger than this library's with non-zero bytes past its end).
 * Thread-safe.
 */
allot_status allot_engine_create(const allot_config *config, allot_engine **out);

/**
 * Destroys an engine and everything it owns: strings returned by allot_errmsg,
 * allot_errfield and allot_resource_name for it become invalid. Results already returned
 * (allot_offers, ..., JSON responses) stay valid: the caller owns them.
 *
 * NULL is a no-op. No other call on `engine` may run during or after this one.
 */
void allot_engine_destroy(allot_engine *engine);

/**
 * The sentence describing the most recent failed call on `engine` made by the calling thread
 * (the contract's error.message), or "not an error" when that thread has had no failure.
 *
 * With a NULL engine: the most recent failure of allot_engine_create, or of a call given a
 * NULL engine, on the calling thread. Calls that succeed leave the message as it was, so read
 * it right after a status other than ALLOT_OK.
 *
 * Returns a string owned by the engine (or, for NULL, by the library), never NULL, valid until
 * the calling thread's next failed call on the same engine or allot_engine_destroy.
 */
const char *allot_errmsg(allot_engine *engine);

/**
 * The path of the offending member of the same failure as allot_errmsg (the contract's
 * error.data.field, such as "tasks[0].resources.cpus"), or "" when it names none.
 *
 * Same ownership and lifetime as allot_errmsg.
 */
const char *allot_errfield(allot_engine *engine);

/* ---------------------------------------------------------------------------------------------
 * Resources
 * ------------------------------------------------------------------------------------------- */

/** A resource id: a (name, kind) interned in one engine by allot_resource_id. */
typedef uint32_t allot_resource;

/** Resource kinds, passed as int32_t. */
enum {
  /** Scalar amounts, such as cpus and mem. */
  ALLOT_SCALAR = 0,
  /** Sets of integer ranges, such as ports. */
  ALLOT_RANGES = 1
};

/** Whole units in thousandths: ALLOT_UNITS(4) is 4 cpus. */
#define ALLOT_UNITS(n) ((int64_t)(n) * 1000)

/** A scalar amount of one resource, in thousandths. For a range resource in what a task
    needs, a count of values in thousandths (ALLOT_UNITS(2) ports: the lowest free two). */
typedef struct allot_scalar {
  allot_resource resource;
  int64_t milli;
} allot_scalar;

/** The integers first...last (inclusive) of a range resource; several entries of one
    resource are merged. 0 <= first <= last <= 2^53. */
typedef struct allot_range {
  allot_resource resource;
  uint64_t first;
  uint64_t last;
} allot_range;

/**
 * Interns a resource name in `engine` and gives its id, the same id for the same (name, kind)
 * every time.
 *
 * Names match [a-z][a-z0-9_.-]*, at most 64 bytes; `kind` is ALLOT_SCALAR or ALLOT_RANGES.
 * The engine fixes a name's kind where an agent first names it; an id whose kind differs
 * from that is rejected with ALLOT_INVALID_PARAMS where it is used. Ids are small dense
 * integers, valid for the engine's lifetime. Results may name resources first seen through
 * allot_call_json: they get ids of their own (see allot_resource_name).
 *
 * `name` is borrowed; `*out` receives the id. ALLOT_INVALID_PARAMS for a malformed name or
 * kind; ALLOT_MISUSE for NULL pointers or more than 128 ids.
 */
allot_status allot_resource_id(allot_engine *engine, const char *name, int32_t kind,
                               allot_resource *out);

/**
 * The name and kind of an interned resource id.
 *
 * `*name` receives a string owned by the engine, valid until allot_engine_destroy; `kind` may
 * be NULL. ALLOT_MISUSE for an id the engine never issued.
 */
allot_status allot_resource_name(allot_engine *engine, allot_resource id, const char **name,
                                 int32_t *kind);

/** Resource amounts in a result: scalars sorted by the bytes of their names (zero amounts
    left out), then ranges sorted by name and then by value, merged. */
typedef struct allot_amounts {
  const allot_scalar *scalars;
  size_t scalar_count;
  const allot_range *ranges;
  size_t range_count;
} allot_amounts;

/* ---------------------------------------------------------------------------------------------
 * Cluster: agents, frameworks, roles
 * ------------------------------------------------------------------------------------------- */

/** A label of an agent: Mesos attribute or Kubernetes label. */
typedef struct allot_label {
  const char *key;
  const char *value;
} allot_label;

/**
 * Adds an agent (the contract's agent.add without taints and reservations; use
 * allot_call_json for those).
 *
 * `id` (1 to 255 bytes), `hostname` (NULL: the id), `scalars`, `ranges` and `labels` are
 * borrowed; arrays may be NULL when their count is 0. Every resource the arrays name is one
 * the agent has, zero amounts included. ALLOT_CONFLICT when the id exists.
 */
allot_status allot_agent_add(allot_engine *engine, const char *id, const char *hostname,
                             const allot_scalar *scalars, size_t scalar_count,
                             const allot_range *ranges, size_t range_count,
                             const allot_label *labels, size_t label_count);

/**
 * Removes an agent: its outstanding offers are rescinded and its tasks are lost (forgotten).
 *
 * `id` is borrowed. `rescinded` and `lost_tasks` may be NULL; otherwise they receive the
 * number of offers rescinded and of tasks lost. ALLOT_NOT_FOUND when the agent does not exist.
 */
allot_status allot_agent_remove(allot_engine *engine, const char *id, size_t *rescinded,
                                size_t *lost_tasks);

/** Framework capabilities, OR-ed; unknown bits are ignored (as unknown capabilities are). */
#define ALLOT_CAPABILITY_GPU 1u

/**
 * Adds a framework subscribed to `roles` (the contract's framework.add without offerSelector
 * and minAllocatable).
 *
 * `id`, `roles` and its strings are borrowed; `roles` may be NULL when role_count is 0, which
 * means ["default"]. With ALLOT_CAPABILITY_GPU it is offered agents that have gpus.
 */
allot_status allot_framework_add(allot_engine *engine, const char *id, const char *const *roles,
                                 size_t role_count, uint32_t capabilities);

/**
 * Removes a framework: its offers are rescinded and its tasks return to the pool.
 *
 * `id` is borrowed; `rescinded` and `released` may be NULL; otherwise they receive the number
 * of offers rescinded and of running tasks released.
 */
allot_status allot_framework_remove(allot_engine *engine, const char *id, size_t *rescinded,
                                    size_t *released);

/** Flags of allot_role_update, OR-ed. */
#define ALLOT_ROLE_WEIGHT 1u /**< set the weight */
#define ALLOT_ROLE_QUOTA 2u  /**< replace the quota by (guarantee, limit); both empty: none */
#define ALLOT_ROLE_FORCE 4u  /**< set a limit below the role's consumption anyway */

/**
 * Updates a role, creating it when new (weight 1, no quota): the contract's role.update.
 *
 * `weight` is read with ALLOT_ROLE_WEIGHT (a number > 0); `guarantee` and `limit` (scalar
 * resources only) with ALLOT_ROLE_QUOTA, and may be NULL when their count is 0. Everything
 * is borrowed. ALLOT_QUOTA_EXCEEDED for a limit below the role's consumption without
 * ALLOT_ROLE_FORCE.
 */
allot_status allot_role_update(allot_engine *engine, const char *name, uint32_t flags,
                               double weight, const allot_scalar *guarantee,
                               size_t guarantee_count, const allot_scalar *limit,
                               size_t limit_count);

/* ---------------------------------------------------------------------------------------------
 * Offers (two-level scheduling, Mesos style)
 * ------------------------------------------------------------------------------------------- */

/** One offer: everything on one agent one framework may use for one of its roles. */
typedef struct allot_offer {
  /** The offer id; its text form, used by allot_call_json, is "o" followed by the number. */
  uint64_t id;
  const char *framework;
  const char *role;
  const char *agent;
  const char *hostname;
  allot_amounts resources;
} allot_offer;

/** Offers made by one allocation cycle, in the order made. */
typedef struct allot_offers {
  size_t count;
  const allot_offer *offers;
} allot_offers;

/**
 * Runs one allocation cycle at the current time (the contract's allocate).
 *
 * `*out` receives the offers, owned by the caller and freed, with every string and array in
 * it, by one allot_offers_free. `out` may be NULL to make the offers without a result.
 */
allot_status allot_allocate(allot_engine *engine, allot_offers **out);

/** Frees a result of allot_allocate. NULL is a no-op. */
void allot_offers_free(allot_offers *offers);

/** A task launched on an offer, placed or queued. */
typedef struct allot_task {
  /** The task id: 1 to 255 bytes, unique within its framework. */
  const char *id;
  /** The constraint group, or NULL. */
  const char *group;
  /** What the task needs; may be NULL when resource_count is 0. */
  const allot_scalar *resources;
  size_t resource_count;
  /** The group's target size for Marathon 1.10+ GROUP_BY; 0: none. allot_place and
      allot_submit only. */
  int64_t group_size;
  /** Higher first in allot_schedule's queue. allot_submit only. */
  int64_t priority;
} allot_task;

/** Use the contract's default refusal (5 seconds). */
#define ALLOT_REFUSE_DEFAULT (-1)

/** A task launched by allot_offer_accept, with what it holds (range counts resolved). */
typedef struct allot_launched_task {
  const char *task;
  allot_amounts resources;
} allot_launched_task;

/** The tasks one accept launched, in request order. */
typedef struct allot_launched_tasks {
  size_t count;
  const allot_launched_task *tasks;
} allot_launched_tasks;

/**
 * Accepts an offer (the contract's offer.accept without task labels): the tasks hold their
 * resources and the rest returns to the pool with a filter of `refuse_milli` thousandths of a
 * second for it (ALLOT_REFUSE_DEFAULT: 5 s; 0: no filter).
 *
 * `tasks` and everything it points to are borrowed; it may be NULL when task_count is 0.
 * `*out` receives the launched tasks, owned by the caller and freed with
 * allot_launched_tasks_free; `out` may be NULL. ALLOT_NOT_FOUND for an offer never issued,
 * ALLOT_CONFLICT for one no longer outstanding, ALLOT_INSUFFICIENT_RESOURCES when the tasks
 * need more than it holds.
 */
allot_status allot_offer_accept(allot_engine *engine, uint64_t offer, const allot_task *tasks,
                                size_t task_count, int64_t refuse_milli,
                                allot_launched_tasks **out);

/** Frees a result of allot_offer_accept. NULL is a no-op. */
void allot_launched_tasks_free(allot_launched_tasks *tasks);

/**
 * Declines an offer: its resources return to the pool, and the framework is not offered a
 * subset of them on that agent for that role for `refuse_milli` thousandths of a second
 * (ALLOT_REFUSE_DEFAULT: 5 s; 0: no filter).
 */
allot_status allot_offer_decline(allot_engine *engine, uint64_t offer, int64_t refuse_milli);

/* ---------------------------------------------------------------------------------------------
 * Placement (request-driven scheduling, Kubernetes / YuniKorn style)
 * ------------------------------------------------------------------------------------------- */

/** Placement strategies, passed as int32_t (ratio needs a shape: use allot_call_json). */
enum {
  /** MostAllocated: prefer the fullest agents (the default). */
  ALLOT_BINPACK = 0,
  /** LeastAllocated: prefer the emptiest agents. */
  ALLOT_SPREAD = 1,
  /** BalancedAllocation: prefer agents whose resources are used evenly. */
  ALLOT_BALANCED = 2,
  /** The first agent in agent order where the task fits. */
  ALLOT_FIRSTFIT = 3
};

/** Why a task was not placed (allot_unplaced.reason); the contract's reason words. */
enum {
  ALLOT_REASON_RESOURCES = 1,   /**< "resources" */
  ALLOT_REASON_SELECTOR = 2,    /**< "selector" */
  ALLOT_REASON_AFFINITY = 3,    /**< "affinity" */
  ALLOT_REASON_TAINTS = 4,      /**< "taints" */
  ALLOT_REASON_CONSTRAINTS = 5, /**< "constraints" */
  ALLOT_REASON_SPREAD = 6,      /**< "spread" */
  ALLOT_REASON_QUOTA = 7,       /**< "quota" */
  ALLOT_REASON_GANG = 8,        /**< "gang": it fit, another task of its gang did not */
  ALLOT_REASON_NO_AGENTS = 9    /**< "noAgents" */
};

/** A placement made. */
typedef struct allot_placement {
  const char *task;
  const char *framework;
  const char *role;
  const char *agent;
  const char *hostname;
  /** What the task holds (range counts resolved to values). */
  allot_amounts resources;
} allot_placement;

/** A task not placed. */
typedef struct allot_unplaced {
  const char *task;
  /** An ALLOT_REASON_* value. */
  int32_t reason;
  /** The contract's word for it ("resources", ...). */
  const char *reason_name;
  /** A sentence as kube-scheduler writes one ("0/5 agents fit: 3 insufficient mem, ..."). */
  const char *message;
} allot_unplaced;

/** What allot_place or allot_schedule did. */
typedef struct allot_placements {
  size_t placement_count;
  const allot_placement *placements;
  /** Always 0 from allot_schedule. */
  size_t unplaced_count;
  const allot_unplaced *unplaced;
  /** Tasks still queued in the whole engine after the call. */
  size_t pending;
} allot_placements;

/**
 * Places tasks now, in array order, bypassing the queue (the contract's task.place without
 * selectors, affinity, tolerations, constraints and spread: use allot_call_json for those).
 *
 * `framework`, `tasks` and everything they point to are borrowed; `role` may be NULL (the
 * framework's first role). `strategy` is an ALLOT_BINPACK... value; `gang` non-zero places
 * all or nothing. `*out` receives the result, owned by the caller and freed with
 * allot_placements_free; `out` may be NULL.
 */
allot_status allot_place(allot_engine *engine, const char *framework, const char *role,
                         const allot_task *tasks, size_t task_count, int32_t strategy,
                         int32_t gang, allot_placements **out);

/**
 * Queues tasks for allot_schedule (the contract's task.submit).
 *
 * Arguments as for allot_place. `pending` may be NULL; otherwise it receives the framework's
 * pending count after the call.
 */
allot_status allot_submit(allot_engine *engine, const char *framework, const char *role,
                          const allot_task *tasks, size_t task_count, size_t *pending);

/** No bound on the number of placements of allot_schedule. */
#define ALLOT_UNLIMITED (-1)

/**
 * Places queued tasks by progressive filling in hierarchical DRF order (the contract's
 * schedule), at most `max` of them (ALLOT_UNLIMITED: no bound).
 *
 * `*out` receives the result, owned by the caller and freed with allot_placements_free; `out`
 * may be NULL.
 */
allot_status allot_schedule(allot_engine *engine, int32_t strategy, int64_t max,
                            allot_placements **out);

/** Frees a result of allot_place or allot_schedule. NULL is a no-op. */
void allot_placements_free(allot_placements *placements);

/**
 * Removes running and pending tasks of a framework (the contract's task.release); ids the
 * framework does not have are ignored.
 *
 * `framework`, `tasks` and its strings are borrowed; `tasks` may be NULL when task_count is 0.
 * `released` may be NULL; otherwise it receives how many were removed.
 */
allot_status allot_release(allot_engine *engine, const char *framework, const char *const *tasks,
                           size_t task_count, size_t *released);

/** An agent where a task may run, with its score and the score's parts. */
typedef struct allot_match_agent {
  const char *agent;
  int64_t score;
  int64_t resources;
  int64_t affinity;
  int64_t taints;
  int64_t spread;
} allot_match_agent;

/** The agents where a task may run now, best first. */
typedef struct allot_matches {
  size_t count;
  const allot_match_agent *agents;
} allot_matches;

/**
 * Lists the agents where a task needing `resources` may run now, best first (the contract's
 * match).
 *
 * `framework` and `role` may be NULL (see the contract); everything is borrowed. `*out`
 * receives the result, owned by the caller and freed with allot_matches_free.
 */
allot_status allot_match(allot_engine *engine, const char *framework, const char *role,
                         const allot_scalar *resources, size_t resource_count, int32_t strategy,
                         allot_matches **out);

/** Frees a result of allot_match. NULL is a no-op. */
void allot_matches_free(allot_matches *matches);

/* ---------------------------------------------------------------------------------------------
 * JSON-RPC: every method of the wire contract
 * ------------------------------------------------------------------------------------------- */

/**
 * Answers one line of the wire contract (a JSON-RPC 2.0 request or batch) through the same
 * dispatcher as the allotd server: the same answer, byte for byte apart from timing fields.
 *
 * `request` holds `length` bytes (not necessarily NUL-terminated; one trailing "\n" or
 * "\r\n" is ignored) and is borrowed; it may be NULL when length is 0. A request longer than
 * the configured max_line gets the contract's -32600 "tooLarge" error response.
 *
 * `*response` receives the response line without "\n", NUL-terminated, owned by the caller
 * and freed with allot_free; it is the empty string where the socket would send nothing (an
 * empty line, a notification, a batch of notifications). `response_length` may be NULL;
 * otherwise it receives the length without the NUL.
 *
 * Returns ALLOT_OK whenever there is a response, error responses included (the JSON carries
 * the error); ALLOT_MISUSE for NULL pointers; ALLOT_NOMEM when the response cannot be
 * allocated. The C API is always authorised.
 */
allot_status allot_call_json(allot_engine *engine, const char *request, size_t length,
                             char **response, size_t *response_length);

/** Frees a response of allot_call_json (or any result of this library). NULL is a no-op. */
void allot_free(void *pointer);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ALLOT_H */
