/* What the network commands (network.c, network_update.c) share: their
 * flags, and the saved interface a command works on. */
#ifndef SCH_TOOLS_NETWORK_H
#define SCH_TOOLS_NETWORK_H

#include "cli.h"
#include "net_apply.h"
#include "net_spec.h"

struct nic_flags {
	struct nic_spec nic;
	bool has_type, has_name, has_ip, has_mac, has_mtu, has_qlen, has_bridge;
	bool config_only;
	bool allow_shared;
	struct err e;
};

enum { F_TYPE = 256, F_NAME, F_IP, F_MAC, F_MTU, F_QLEN, F_BRIDGE };

/* The flags of add-nic, remove-nic and update-nic: 0, or -1 after a
 * usage error line. */
int nic_args(const struct command *cmd, const struct cli_args *a, struct nic_flags *f);

/* The run of add-nic, remove-nic and update-nic: the flags are read
 * (nic_args) and checked, then the command works on the container named
 * first, and its error is the command's one line. */
int nic_command(struct cli *cli, const struct cli_args *a);
/* update-nic (network_update.c): the check of its flags (0, or the exit
 * code of the usage error line it printed), and its work. */
int nic_update_check(const struct command *cmd, struct nic_flags *f);
int nic_update(struct cli *cli, const char *arg, struct nic_flags *f, struct err *e);
/* The usage error of remove-nic and update-nic without --name */
#define NIC_NAME_REQUIRED "--name (the interface name in the container) is required"
/* The line of a change to a running container's saved state only. */
void nic_report_saved_only(const struct target *t, bool live);

/* The runtime record lists the interfaces made in the container (add, or
 * the name of one removed), so that poststop cleans them up whatever
 * hook.json holds by then. */
void note_in_record(const struct cli *cli, const char *id, const struct nic_spec *add,
		    const char *removed);

/* A saved interface of a container, and the container held open. */
struct nic_target {
	struct target t;
	struct nic_spec *saved;         /* every saved nic */
	size_t n_saved;
	struct route_spec *routes;      /* every saved route */
	size_t nr;
	size_t at;                      /* the one --name (and --type) designate */
	struct net_ctx c;               /* after nic_target_net() */
	int netns;
};

/* Open container @arg (running or not) and find the saved nic of @f;
 * ENOENT naming it when it was not added. */
int nic_target_open(struct cli *cli, const char *arg, const struct nic_flags *f,
		    struct nic_target *m, struct err *e);
/* The netlink sockets of the running container. */
int nic_target_net(struct nic_target *m, struct err *e);
/* Closes what nic_target_open opened; a second call does nothing. */
void nic_target_close(struct nic_target *m);
#define _cleanup_nic_target_ __attribute__((cleanup(nic_target_close)))

#endif
