/* update-nic --bridge between Linux and Open vSwitch bridges: what the
 * host link's master becomes and what ovsdb is asked, for every pair of
 * kinds (the moves themselves run in tests/e2e/test_ovs.sh). */
#include "unit.h"

#include "net_bridge.h"
#include "util.h"

static void moves(void **state)
{
	static const struct {
		enum bridge_kind from, to;
		int master;
		enum bridge_ovs_step ovs;
	} t[] = {
		{ BRIDGE_NONE, BRIDGE_NONE, 0, OVS_NOTHING },
		{ BRIDGE_NONE, BRIDGE_LINUX, 7, OVS_NOTHING },
		{ BRIDGE_NONE, BRIDGE_OVS, 0, OVS_JOIN },
		{ BRIDGE_LINUX, BRIDGE_NONE, -1, OVS_NOTHING },
		{ BRIDGE_LINUX, BRIDGE_LINUX, 7, OVS_NOTHING },
		{ BRIDGE_LINUX, BRIDGE_OVS, -1, OVS_JOIN },
		{ BRIDGE_OVS, BRIDGE_NONE, 0, OVS_LEAVE },
		{ BRIDGE_OVS, BRIDGE_LINUX, 7, OVS_LEAVE },
		{ BRIDGE_OVS, BRIDGE_OVS, 0, OVS_JOIN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct bridge_move m = { { t[i].from, 0 }, { t[i].to, t[i].to == BRIDGE_LINUX ? 7 : 0 } };

		unit_case("move from kind %d to kind %d", t[i].from, t[i].to);
		assert_int_equal(net_bridge_master(&m), t[i].master);
		assert_int_equal(net_bridge_ovs_step(&m), t[i].ovs);
	}
	unit_case_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(moves),
	};

	return cmocka_run_group_tests_name("test_net_bridge", tests, NULL, NULL);
}
