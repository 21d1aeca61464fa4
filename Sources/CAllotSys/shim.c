/* CAllotSys is header-only (static inline wrappers in include/allot_sys.h); SwiftPM wants a
 * source file in a C target. */
#include "allot_sys.h"
