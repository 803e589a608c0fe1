/* Device program generation, checked by running the programs in a small
 * interpreter of the instructions they use. */
#include "unit.h"

#include <sys/syscall.h>

#include "ebpf.h"

/* Run @p on (type, major, minor, access bits); returns r0 at exit. */
static int run(const struct bpf_insn *p, size_t n, int type, uint32_t maj, uint32_t min,
	       uint32_t acc)
{
	uint32_t ctx[3] = { (acc << 16) | (uint32_t)type, maj, min };
	uint64_t r[11] = { 0 };
	size_t pc = 0;

	for (int steps = 0; steps < 100000 && pc < n; steps++) {
		const struct bpf_insn *i = &p[pc++];
		uint64_t src = (i->code & BPF_X) ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
		bool jump = false;

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			assert_int_equal(i->src_reg, BPF_REG_1);
			r[i->dst_reg] = ctx[i->off / 4];
			continue;
		case BPF_ALU64 | BPF_MOV | BPF_K:
		case BPF_ALU64 | BPF_MOV | BPF_X: r[i->dst_reg] = src; continue;
		case BPF_ALU64 | BPF_AND | BPF_K: r[i->dst_reg] &= src; continue;
		case BPF_ALU64 | BPF_RSH | BPF_K: r[i->dst_reg] >>= src; continue;
		case BPF_ALU64 | BPF_LSH | BPF_K: r[i->dst_reg] <<= src; continue;
		case BPF_ALU64 | BPF_OR | BPF_X: r[i->dst_reg] |= src; continue;
		case BPF_JMP32 | BPF_JNE | BPF_K: jump = (uint32_t)r[i->dst_reg] != (uint32_t)i->imm; break;
		case BPF_JMP | BPF_JNE | BPF_K: jump = r[i->dst_reg] != src; break;
		case BPF_JMP | BPF_JSET | BPF_K: jump = (r[i->dst_reg] & src) != 0; break;
		case BPF_JMP | BPF_JEQ | BPF_K: jump = r[i->dst_reg] == src; break;
		case BPF_JMP | BPF_JA: jump = true; break;
		case BPF_JMP | BPF_EXIT: return (int)r[0];
		default: fail_msg("unexpected instruction 0x%x at %zu", i->code, pc - 1);
		}
		if (jump)
			pc += (size_t)(ssize_t)i->off;
	}
	fail_msg("program ran off its end");
	return -1;
}

#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD
#define B BPF_DEVCG_DEV_BLOCK
#define C BPF_DEVCG_DEV_CHAR

static struct bpf_insn prog[4096];

static void runtime_program(void **state)
{
	struct dev_rule rt[] = {
		{ 'a', -1, -1, "rwm", false }, { 'c', -1, -1, "m", true }, { 'b', -1, -1, "m", true },
		{ 'c', 1, 3, "rwm", true }, { 'c', 136, -1, "rw", true }, { 'c', 1, 3, "w", false },
	};
	size_t n = ebpf_device_program(rt, 6, prog);

	assert_int_equal(run(prog, n, C, 1, 3, R), 1);
	assert_int_equal(run(prog, n, C, 1, 3, W), 0);          /* the last rule wins */
	assert_int_equal(run(prog, n, C, 1, 3, R | W), 0);      /* "deny w" refuses rw too */
	assert_int_equal(run(prog, n, C, 1, 3, R | M), 1);
	assert_int_equal(run(prog, n, C, 136, 7, R | W), 1);
	assert_int_equal(run(prog, n, C, 136, 7, M), 1);        /* c *:* m */
	assert_int_equal(run(prog, n, B, 8, 0, R), 0);
	assert_int_equal(run(prog, n, B, 8, 0, M), 1);
	assert_int_equal(run(prog, n, B, 8, 0, 0), 1);          /* access(F_OK) probe */
	assert_int_equal(run(prog, n, C, 1, 5, R), 0);
}

static void allow_everything(void **state)
{
	struct dev_rule all[] = { { 'c', 1, 3, "r", true }, { 'a', -1, -1, "rwm", true } };
	size_t n = ebpf_device_program(all, 2, prog);

	/* nothing after an unconditional rule: the verifier refuses dead code */
	assert_int_equal(prog[n - 1].code, BPF_JMP | BPF_EXIT);
	assert_int_equal(run(prog, n, B, 9, 9, R | W | M), 1);
}

static void prefix_union(void **state)
{
	struct dev_rule rt[] = { { 'c', 1, 3, "rwm", true } };
	struct dev_rule ours[] = { { 'b', 7, 0, "rw", true }, { 'c', 10, -1, "r", true } };
	struct bpf_insn runtime[64];
	size_t nr = ebpf_device_program(rt, 1, runtime), k;
	bool all;

	k = ebpf_allow_prefix(ours, 2, prog, &all);
	assert_false(all);
	assert_int_equal(ebpf_prefix_len(prog, k), k);
	memcpy(prog + k, runtime, nr * sizeof(*prog));
	k += nr;
	assert_int_equal(run(prog, k, B, 7, 0, R | W), 1);      /* ours */
	assert_int_equal(run(prog, k, B, 7, 0, M), 0);          /* not granted by either */
	assert_int_equal(run(prog, k, C, 10, 200, R), 1);
	assert_int_equal(run(prog, k, C, 10, 200, W), 0);
	assert_int_equal(run(prog, k, C, 1, 3, W), 1);          /* the runtime's */
	assert_int_equal(run(prog, k, B, 7, 1, R), 0);
	/* the runtime's program alone has no prefix */
	assert_int_equal(ebpf_prefix_len(runtime, nr), 0);
}

static void prefix_empty_and_all(void **state)
{
	struct dev_rule all = { 'a', -1, -1, "rwm", true };
	bool allows_all;
	size_t k = ebpf_allow_prefix(NULL, 0, prog, &allows_all);

	assert_false(allows_all);
	assert_int_equal(ebpf_prefix_len(prog, k), k);
	k = ebpf_allow_prefix(&all, 1, prog, &allows_all);
	assert_true(allows_all);
	assert_int_equal(run(prog, k, C, 4, 4, W), 1);
}

/* Devices named by their numbers take the short path: grouped by type,
 * one compare of major << 20 | minor each. */
static void prefix_exact(void **state)
{
	struct dev_rule ours[] = {
		{ 'b', 7, 0, "rw", true }, { 'c', 7, 0, "r", true }, { 'c', 4095, 1048575, "rwm", true },
		{ 'b', 8, -1, "r", true }, { 'c', 5000, 1, "rw", true }, { 'b', 9, 3, "m", true },
	};
	bool all;
	size_t k = ebpf_allow_prefix(ours, 6, prog, &all);

	assert_true(k <= EBPF_PREFIX_MAX(6));
	assert_int_equal(ebpf_prefix_len(prog, k), k);
	prog[k++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 0 };
	prog[k++] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	assert_int_equal(run(prog, k, B, 7, 0, R | W), 1);
	assert_int_equal(run(prog, k, B, 7, 0, R | M), 0);
	assert_int_equal(run(prog, k, B, 7, 0, 0), 1);          /* access(F_OK) probe */
	assert_int_equal(run(prog, k, C, 7, 0, R), 1);          /* the same numbers, other type */
	assert_int_equal(run(prog, k, C, 7, 0, W), 0);
	assert_int_equal(run(prog, k, B, 7, 1, R), 0);
	assert_int_equal(run(prog, k, B, 6, 0, R), 0);
	assert_int_equal(run(prog, k, C, 4095, 1048575, R | W | M), 1);
	assert_int_equal(run(prog, k, C, 4095, 1048574, R), 0);
	assert_int_equal(run(prog, k, B, 8, 12345, R), 1);      /* a wildcard minor: general */
	assert_int_equal(run(prog, k, B, 8, 12345, W), 0);
	assert_int_equal(run(prog, k, C, 5000, 1, W), 1);       /* past 12 bits: general */
	assert_int_equal(run(prog, k, C, 904, 1, W), 0);        /* 5000 & 0xfff: no alias */
	assert_int_equal(run(prog, k, B, 9, 3, M), 1);
	assert_int_equal(run(prog, k, B, 9, 3, R), 0);
}

/* More devices than one group holds: each group's jump stays in range. */
static void prefix_many(void **state)
{
	size_t n = 10000, k;
	struct dev_rule *rules = calloc(n, sizeof(*rules));
	struct bpf_insn *p = calloc(EBPF_PREFIX_MAX(n) + 2, sizeof(*p));
	bool all;

	for (size_t i = 0; i < n; i++)
		rules[i] = (struct dev_rule){ i % 3 ? 'c' : 'b', 240, (int64_t)i, "rwm", true };
	k = ebpf_allow_prefix(rules, n, p, &all);
	assert_true(k <= EBPF_PREFIX_MAX(n));
	p[k++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 0 };
	p[k++] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	assert_int_equal(run(p, k, C, 240, 9998, R), 1);
	assert_int_equal(run(p, k, B, 240, 9999, R), 1);
	assert_int_equal(run(p, k, C, 240, 9999, R), 0);
	assert_int_equal(run(p, k, C, 240, 10000, R), 0);
	free(rules);
	free(p);
}

/* Verifier logs as this kernel writes them for refused programs. */
static void log_reason(void **state)
{
	static const struct { const char *log, *want; size_t size; } t[] = {
		{ "0: R1=ctx() R10=fp0\n0: (95) exit\nR0 !read_ok\n"
		  "processed 1 insns (limit 1000000) max_states_per_insn 0\n", "R0 !read_ok", 64 },
		{ "jump out of range from insn 0 to 6\nprocessed 0 insns (limit 1000000)\n",
		  "jump out of range from insn 0 to 6", 64 },
		{ "0: R1=ctx() R10=fp0\n2: (61) r3 = *(u32 *)(r1 +100)\n"
		  "invalid bpf_context access off=100 size=4\nprocessed 3 insns\n",
		  "invalid bpf_context access off=100 size=4", 64 },
		/* cut short: no statistics; the first line that is not the walk */
		{ "0: R1=ctx() R10=fp0\nfrom 3 to 5: R0=1\nunknown opcode 8d\n4: (b7) r0 = 0\n",
		  "unknown opcode 8d", 64 },
		/* only the statistics: shown as they are, the errno says the rest */
		{ "processed 240 insns (limit 1000000)\n", "processed 240 insns (limit 1000000)", 64 },
		{ "", "", 64 },
		{ "a reason far longer than the room it is given here, cut\n", "a reaso", 8 },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unit_case("%s", t[i].want);
		ebpf_log_reason(t[i].log, out, t[i].size);
		assert_string_equal(out, t[i].want);
	}
	unit_case_done();
}

/* A program shaped like runc's: many rules make a verifier log longer than
 * 4 KiB, which fails a load that asks for a log in a buffer that small. */
static size_t big_program(void)
{
	struct dev_rule rules[40];

	for (int i = 0; i < 40; i++)
		rules[i] = (struct dev_rule){ i % 2 ? 'c' : 'b', 200 + i, i % 3 ? i : -1, "rw", true };
	rules[0] = (struct dev_rule){ 'a', -1, -1, "rwm", false };
	return ebpf_device_program(rules, 40, prog);
}

static void load_long_log(void **state)
{
	static char small[4096];
	size_t n = big_program();
	struct err e = { 0 };
	int fd = ebpf_prog_load(prog, n, small, sizeof(small));

	if (fd < 0 && errno == EPERM)
		skip();         /* BPF is not permitted to this process */
	/* the shape that broke every start: a 4 KiB log is too short */
	assert_int_equal(fd, -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(ebpf_load(prog, n, &fd, &e), 0);
	assert_true(fd >= 0);
	close(fd);
}

static void load_refused(void **state)
{
	struct bpf_insn bad[] = { { .code = BPF_JMP | BPF_EXIT } };   /* r0 never set */
	struct err e = { 0 };
	int fd = -1;

	assert_int_equal(ebpf_load(bad, 1, &fd, &e), -1);
	if (e.code == EPERM)
		skip();
	assert_int_equal(fd, -1);
	assert_err(e, EACCES, "load a cgroup device program: R0 !read_ok");
}

static void names(void **state)
{
	/* the attached programs' names, and which are dropped as stale */
	static const struct {
		const char *what;
		char names[3][EBPF_NAME_LEN];
		size_t n;
		bool drop[3];
	} t[] = {
		{ "a copy of systemd's beside its current one: stale",
		  { "sch_sd_devices", "sd_devices", "sch_" }, 3, { true, false, false } },
		{ "systemd's only program is our copy: kept",
		  { "sch_sd_devices", "sch_" }, 2, { false, false } },
		{ "the runtime's copies are never stale", { "sch_", "sd_devices" }, 2, { false, false } },
		{ "nothing of systemd's", { "", "sch_" }, 2, { false, false } },
	};
	char name[EBPF_NAME_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool drop[3];

		unit_case("%s", t[i].what);
		ebpf_stale_copies(t[i].names, t[i].n, drop);
		for (size_t k = 0; k < t[i].n; k++)
			assert_int_equal(drop[k], t[i].drop[k]);
	}
	unit_case_done();
	ebpf_copy_name("sd_devices", name);
	assert_string_equal(name, "sch_sd_devices");
	ebpf_copy_name(name, name);
	assert_string_equal(name, "sch_sd_devices");
	ebpf_copy_name("", name);
	assert_string_equal(name, "sch_");
	ebpf_copy_name("a_very_long_name", name);
	assert_string_equal(name, "sch_a_very_long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runtime_program),
		cmocka_unit_test(allow_everything),
		cmocka_unit_test(prefix_union),
		cmocka_unit_test(prefix_empty_and_all),
		cmocka_unit_test(prefix_exact),
		cmocka_unit_test(prefix_many),
		cmocka_unit_test(log_reason),
		cmocka_unit_test(load_long_log),
		cmocka_unit_test(load_refused),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests_name("test_ebpf", tests, NULL, NULL);
}
