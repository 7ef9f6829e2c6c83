/* t_paths.c - XDG directories, mkdir -p, join/dirname, atomic writes. */
#include "tests/lib/t_lib.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/paths.h"

static char tmpdir[256];

static int setup_tmp(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/t_paths.XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void check_dir(char *(*fn)(void), const char *want)
{
	char *got = fn();

	assert_string_equal(got, want);
	free(got);
}

static void test_xdg(void **state)
{
	(void)state;
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	check_dir(path_home, "/home/u");
	check_dir(path_config_dir, "/home/u/.config/kurator");
	check_dir(path_state_dir, "/home/u/.local/state/kurator");
	check_dir(path_cache_dir, "/home/u/.cache/kurator");
	check_dir(path_runtime_dir, "/home/u/.local/state/kurator");
	setenv("XDG_CONFIG_HOME", "/x/config", 1);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1", 1);
	check_dir(path_config_dir, "/x/config/kurator");
	check_dir(path_state_dir, "/x/state/kurator");
	check_dir(path_cache_dir, "/x/cache/kurator");
	check_dir(path_runtime_dir, "/run/user/1/kurator");
	/* relative values are invalid per the spec and ignored */
	setenv("XDG_CONFIG_HOME", "rel/config", 1);
	check_dir(path_config_dir, "/home/u/.config/kurator");
	setenv("XDG_STATE_HOME", "", 1);
	check_dir(path_state_dir, "/home/u/.local/state/kurator");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("XDG_RUNTIME_DIR");
}

static const struct { const char *in, *dir; } dirname_cases[] = {
	{ "/a/b/c", "/a/b" }, { "a/b", "a" }, { "file", "." }, { "/file", "/" },
	{ "/", "/" }, { "a/b/", "a" }, { "a//b", "a" }, { "//x", "/" }, { "", "." },
};

static const struct { const char *dir, *rel, *out; } join_cases[] = {
	{ "/a", "b", "/a/b" }, { "/a/", "b", "/a/b" }, { "/a", "/abs", "/abs" },
	{ "", "b", "b" }, { "a", "b/c", "a/b/c" },
};

static void test_join_dirname(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dirname_cases); i++) {
		char *d = path_dirname(dirname_cases[i].in);
		if (strcmp(d, dirname_cases[i].dir) != 0)
			fail_msg("dirname(%s) = %s, want %s", dirname_cases[i].in, d,
				 dirname_cases[i].dir);
		free(d);
	}
	for (i = 0; i < ARRAY_SIZE(join_cases); i++) {
		char *j = path_join(join_cases[i].dir, join_cases[i].rel);
		assert_string_equal(j, join_cases[i].out);
		free(j);
	}
}

static void test_mkdirs(void **state)
{
	char *deep = xasprintf("%s/a/b/c", tmpdir), *file = xasprintf("%s/f", tmpdir);
	char *under = xasprintf("%s/f/sub", tmpdir);
	struct kerr e = { 0 };
	struct stat st;

	(void)state;
	umask(022);
	assert_int_equal(path_mkdirs(deep, 0700, &e), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(path_mkdirs(deep, 0700, &e), 0);   /* exists: fine */
	assert_int_equal(path_write_atomic(file, "x", 1, 0600, &e), 0);
	assert_int_equal(path_mkdirs(file, 0700, &e), -1);  /* a file is in the way */
	assert_non_null(strstr(e.msg, file));
	assert_int_equal(path_mkdirs(under, 0700, &e), -1);
	assert_int_equal(path_mkdirs("", 0700, &e), -1);
	free(deep);
	free(file);
	free(under);
}

static void test_write_atomic(void **state)
{
	char *path = xasprintf("%s/cfg", tmpdir), *missing = xasprintf("%s/no/such/file", tmpdir);
	struct strbuf sb = STRBUF_INIT;
	struct kerr e = { 0 };
	struct stat st;
	DIR *d;

	(void)state;
	umask(0);   /* the mode must not depend on the umask */
	assert_int_equal(path_write_atomic(path, "first\n", 6, 0600, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(path_write_atomic(path, "second", 6, 0640, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(strbuf_read_file(&sb, path), 0);
	assert_string_equal(sb.buf, "second");
	assert_int_equal(path_write_atomic(path, "", 0, 0600, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	umask(022);
	assert_int_equal(path_write_atomic(missing, "x", 1, 0600, &e), -1);
	assert_non_null(strstr(e.msg, missing));
	/* no temporary files left behind */
	d = opendir(tmpdir);
	assert_non_null(d);
	for (struct dirent *de; (de = readdir(d));)
		assert_null(strstr(de->d_name, ".tmp."));
	closedir(d);
	strbuf_release(&sb);
	free(path);
	free(missing);
}

int t_paths(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdg),
		cmocka_unit_test(test_join_dirname),
		cmocka_unit_test(test_mkdirs),
		cmocka_unit_test(test_write_atomic),
	};
	return cmocka_run_group_tests_name("paths", tests, setup_tmp, teardown_tmp);
}
