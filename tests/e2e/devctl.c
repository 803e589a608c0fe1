/* devctl: drives lib/ebpf.c for the cgroup v2 tests and the benchmark.
 *   devctl allow CGDIR T:MAJ:MIN:PERMS...   our devices on top of the
 *                                 programs attached (none: take ours away)
 *   devctl info CGDIR             attached programs and their sizes
 *   devctl nobpf CMD ARGS...      run CMD where every bpf(2) call fails
 *                                 with EPERM, as on a host whose policy
 *                                 refuses BPF (a seccomp filter) */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ebpf.h"

static int info(const char *dir)
{
	uint32_t ids[64];
	union bpf_attr a;
	int cg = open(dir, O_RDONLY | O_DIRECTORY);

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cg;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = 64;
	if (cg < 0 || syscall(SYS_bpf, BPF_PROG_QUERY, &a, sizeof(a)) < 0) {
		perror("query");
		return 1;
	}
	printf("programs %u", a.query.prog_cnt);
	for (uint32_t i = 0; i < a.query.prog_cnt; i++) {
		struct bpf_prog_info pi;
		union bpf_attr b;
		int fd;

		memset(&b, 0, sizeof(b));
		b.prog_id = ids[i];
		fd = (int)syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &b, sizeof(b));
		memset(&pi, 0, sizeof(pi));
		memset(&b, 0, sizeof(b));
		b.info.bpf_fd = (uint32_t)fd;
		b.info.info_len = sizeof(pi);
		b.info.info = (uint64_t)(uintptr_t)&pi;
		syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &b, sizeof(b));
		printf(" insns %zu", pi.xlated_prog_len / sizeof(struct bpf_insn));
		close(fd);
	}
	printf("\n");
	return 0;
}

static int no_bpf(char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fp = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) < 0) {
		perror("devctl: seccomp");
		return 1;
	}
	execv(argv[0], argv);
	perror("devctl: exec");
	return 1;
}

int main(int argc, char **argv)
{
	struct dev_rule rules[64];
	struct err e = { 0 };
	size_t n = 0;

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "info"))
		return info(argv[2]);
	if (!strcmp(argv[1], "nobpf"))
		return no_bpf(argv + 2);
	if (strcmp(argv[1], "allow"))
		return 2;
	for (int i = 3; i < argc && n < 64; i++, n++) {
		long long maj, min;

		if (sscanf(argv[i], "%c:%lld:%lld:%3s", &rules[n].type, &maj, &min, rules[n].perms) != 4)
			return 2;
		rules[n].major = maj;
		rules[n].minor = min;
		rules[n].allow = true;
	}
	if (ebpf_set_allowed(argv[2], rules, n, &e) < 0) {
		fprintf(stderr, "devctl: %s\n", e.msg);
		return 1;
	}
	return 0;
}
