/* What a running container has now, read from the kernel's text files:
 * mountinfo, the routing tables and the QoS files. */
#include "unit.h"

#include "drift.h"
#include "util.h"

static const char mountinfo[] =
	"169 150 0:60 / / rw,relatime - overlay overlay rw\n"
	"170 169 254:0 /srv/a /mnt/rw rw,relatime - ext4 /dev/vda rw\n"
	"171 169 254:0 /srv/b /mnt/ro ro,relatime - ext4 /dev/vda rw\n"
	"172 169 254:0 /srv/c /mnt/with\\040space rw - ext4 /dev/vda rw\n"
	"173 169 254:0 /srv/d /mnt/stack ro - ext4 /dev/vda rw\n"
	"174 173 254:0 /srv/e /mnt/stack rw - ext4 /dev/vda rw\n"
	"175 169 254:0 /srv/f /mnt/rox rw - ext4 /dev/vda ro\n"
	"junk\n";

static void mounts(void **state)
{
	static const struct {
		const char *path;
		int found;
		bool ro;
	} t[] = {
		{ "/mnt/rw", 1, false }, { "/mnt/ro", 1, true }, { "/mnt/ro/", 1, true },
		{ "/mnt/with space", 1, false }, { "/mnt/stack", 1, false },
		{ "/mnt/rox", 1, false }, { "/mnt/none", 0, false }, { "/mnt", 0, false },
		{ "/mnt/r", 0, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		bool ro = !t[i].ro;

		unit_case("%s", t[i].path);
		assert_int_equal(drift_mount(mountinfo, t[i].path, &ro), t[i].found);
		if (t[i].found)
			assert_int_equal(ro, t[i].ro);
	}
	unit_case_done();
}

static const char v4[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"eth1\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	"eth1\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
	"eth1\t0000620A\t0100000A\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
static const char v6[] =
	"fd010000000000000000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth6\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"fd000000000000000000000000000001 00000400 00000001 00000000 00000003 eth6\n";

static void routes(void **state)
{
	static const struct {
		struct route_spec r;
		int want;
	} t[] = {
		{ { "default", "", "10.0.0.1", "" }, 1 },
		{ { "", "", "10.0.0.1", "eth1" }, 1 },
		{ { "default", "", "10.0.0.9", "" }, 0 },
		{ { "10.0.0.0/24", "", "", "eth1" }, 1 },
		{ { "10.0.0.0/24", "", "", "eth2" }, 0 },
		{ { "10.0.0.0/16", "", "", "" }, 0 },
		{ { "10.98.0.0/16", "", "10.0.0.1", "eth1" }, 1 },
		{ { "10.98.0.0/16", "", "10.0.0.2", "eth1" }, 0 },
		{ { "fd01::/64", "", "", "eth6" }, 1 },
		{ { "fd01::/64", "", "", "eth1" }, 0 },
		{ { "fd02::/64", "", "", "" }, 0 },
		{ { "default", "", "fd00::1", "eth6" }, 1 },
		{ { "not-a-cidr", "", "", "" }, -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		unit_case("%s via %s dev %s", t[i].r.dest, t[i].r.gw, t[i].r.dev);
		assert_int_equal(drift_route(v4, v6, &t[i].r), t[i].want);
	}
	unit_case_done();
	assert_int_equal(drift_route(v4, NULL, &t[8].r), 0);
}

static void qos_lines(void **state)
{
	static const char v1[] = "7:0 1048576\n8:0 2097152\n";
	static const char io_max[] = "7:0 rbps=1048576 wbps=max riops=max wiops=100\n"
				     "8:0 rbps=max wbps=10 riops=max wiops=max\n";

	assert_int_equal(drift_qos(v1, "7:0 1048576", false), 1);
	assert_int_equal(drift_qos(v1, "8:0 1048576", false), 0);
	assert_int_equal(drift_qos(v1, "7:0 104857", false), 0);
	assert_int_equal(drift_qos(v1, "7:1 1048576", false), 0);
	assert_int_equal(drift_qos("", "7:0 1", false), 0);
	assert_int_equal(drift_qos(io_max, "7:0 rbps=1048576", true), 1);
	assert_int_equal(drift_qos(io_max, "7:0 wiops=100", true), 1);
	assert_int_equal(drift_qos(io_max, "7:0 wiops=10", true), 0);
	assert_int_equal(drift_qos(io_max, "8:0 rbps=1048576", true), 0);
	assert_int_equal(drift_qos(io_max, "8:0 wbps=10", true), 1);
	assert_int_equal(drift_qos(io_max, "8:0 bps=10", true), 0);
}

UNIT_MAIN("test_drift",
	  UNIT_TEST(mounts),
	  UNIT_TEST(routes),
	  UNIT_TEST(qos_lines))
