/* Device access under cgroup v2: BPF_PROG_TYPE_CGROUP_DEVICE programs.
 *
 * With BPF_F_ALLOW_MULTI every attached program must allow an access, so
 * attaching one more program can only take access away. To add devices we
 * replace each attached program (BPF_F_REPLACE) with one that first allows
 * our devices and then runs the replaced program's own instructions
 * (fetched with BPF_OBJ_GET_INFO_BY_FD) unchanged: the union of what the
 * runtime allowed and ours. Our part starts with a marker, so a later
 * change swaps it for a new one instead of stacking them. */
#ifndef SCH_EBPF_H
#define SCH_EBPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct dev_rule {
	char type;              /* 'a', 'b' or 'c' */
	int64_t major, minor;   /* -1: any */
	char perms[4];          /* subset of "rwm" */
	bool allow;
};

#define EBPF_MAX_INSNS 65536

/* Room for the prefix of @n rules. */
#define EBPF_PREFIX_MAX(n) (16 + 7 * (size_t)(n))
/* Our prefix: allows @rules (allow rules only), else falls through;
 * @allows_all when one rule allows everything (then nothing may follow). */
size_t ebpf_allow_prefix(const struct dev_rule *rules, size_t n, struct bpf_insn *out,
			 bool *allows_all);
/* Length of our prefix at the start of @insns, 0 when there is none. */
size_t ebpf_prefix_len(const struct bpf_insn *insns, size_t n);
/* A whole program as a runtime builds it: rules in order, the last match
 * wins, default deny. */
size_t ebpf_device_program(const struct dev_rule *rules, size_t n, struct bpf_insn *out);

/* Program names: systemd names its device program "sd_devices"; a copy
 * of a program that we widen is named "sch_" + its name ("sch_sd_devices"). */
#define EBPF_NAME_LEN 16
#define EBPF_SYSTEMD_PROG "sd_devices"
void ebpf_copy_name(const char *name, char out[EBPF_NAME_LEN]);
/* Which of the programs named @names are stale copies of systemd's:
 * copies of a systemd program, when systemd's own is attached beside
 * them (ebpf_cgroup.c says why). */
void ebpf_stale_copies(const char (*names)[EBPF_NAME_LEN], size_t n, bool *drop);

/* The verifier log of a failed load: 64 KiB first, up to 16 MiB. */
#define EBPF_LOG_MIN (64u << 10)
#define EBPF_LOG_MAX (16u << 20)

/* Load a device program; a failure names the verifier's reason. */
int ebpf_load(const struct bpf_insn *insns, size_t n, int *fd, struct err *e);
/* One BPF_PROG_LOAD of a device program: its fd, or -1 with errno; with
 * @log, the verifier writes its log there (at most @log_size bytes). */
int ebpf_prog_load(const struct bpf_insn *insns, size_t n, char *log, uint32_t log_size);
/* The same, named @name (BPF_OBJ_NAME_LEN, [A-Za-z0-9_.]; NULL: none). */
int ebpf_load_named(const struct bpf_insn *insns, size_t n, const char *name, int *fd,
		    struct err *e);
/* bpf(2), for the ebpf*.c files. */
long ebpf_sys(int cmd, union bpf_attr *attr);
/* A failed bpf(2) call; EPERM is the host's policy (no CAP_BPF, a seccomp
 * filter, lockdown), not the program, and the message says so. */
int ebpf_fail(struct err *e, int code, const char *what);
/* The line of verifier log @log that says why a load failed, in @out. */
void ebpf_log_reason(const char *log, char *out, size_t size);
/* Attach a whole program to the cgroup directory @dir (BPF_F_ALLOW_MULTI). */
int ebpf_attach(const char *dir, int prog_fd, struct err *e);
/* Make the device programs of @dir allow exactly @rules on top of what the
 * runtime allowed (an empty list takes ours away). No program attached:
 * nothing restricts devices, nothing to do. */
int ebpf_set_allowed(const char *dir, const struct dev_rule *rules, size_t n, struct err *e);
/* Do the device programs of @dir allow exactly @rules on top of the
 * runtime's, as ebpf_set_allowed left them? (A runtime that put its own
 * program back has taken ours away.) No program: *@ok, nothing restricts. */
int ebpf_allows(const char *dir, const struct dev_rule *rules, size_t n, bool *ok, struct err *e);

#endif
