/* A bump allocator for cJSON in syscontainer-runtime: the process parses
 * one config.json (thousands of small nodes with Docker's seccomp profile),
 * writes it back and execs the runtime within a millisecond, so freeing
 * node by node is wasted work on the start path of every container. */
#ifndef SCH_RUNTIME_ARENA_H
#define SCH_RUNTIME_ARENA_H

/* cJSON allocates from the arena from now on; past its size, from malloc. */
void arena_use_for_cjson(void);

#endif
