/* Shared by the fuzz targets: a failed invariant is a finding. */
#ifndef SCH_FUZZ_H
#define SCH_FUZZ_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Stops the run with a report libFuzzer saves as a crash input. */
#define FUZZ_CHECK(cond)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond,	\
				__FILE__, __LINE__);				\
			__builtin_trap();					\
		}								\
	} while (0)

/* Two strings, either possibly NULL, are the same. */
static inline int fuzz_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

#endif
