/* t_log.c - secret redaction, the 0600 log file under the state dir,
 * KURATOR_LOG=stderr, whole lines from concurrent threads. */
#include "tests/lib/t_lib.h"

#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

static const struct { const char *in, *out; } redact_cases[] = {
	{ "Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.payload.sig",
	  "Authorization: Bearer <redacted>" },
	{ "authorization: basic dXNlcjpwYXNzd29yZA==", "authorization: basic <redacted>" },
	{ "Authorization: Token abc def ghi\nnext", "Authorization: <redacted>\nnext" },
	{ "GET /api?token=0123456789abcdef&watch=1", "GET /api?token=<redacted>&watch=1" },
	{ "kubectl --token 0123456789abcdef get pods", "kubectl --token <redacted> get pods" },
	{ "kubectl --token=0123456789abcdef get pods", "kubectl --token=<redacted> get pods" },
	{ "login password=hunter2hunter2 user=bob", "login password=<redacted> user=bob" },
	{ "ssh --password s3cr3tpassw0rd host", "ssh --password <redacted> host" },
	{ "ssh --password=s3cr3tpassw0rd host", "ssh --password=<redacted> host" },
	/* whole flag names: the longer flag keeps its name */
	{ "kubectl --client-key /k/client.key get", "kubectl --client-key <redacted> get" },
	{ "kubectl --client-key=/k/client.key get", "kubectl --client-key=<redacted> get" },
	{ "x --client-key-data LS0tLS1CRUdJTiBSU0Eg y", "x --client-key-data <redacted> y" },
	{ "x --client-key-data=LS0tLS1CRUdJTiBSU0Eg y", "x --client-key-data=<redacted> y" },
	{ "x --client-certificate-data=LS0tLS1CRUdJTiBD y",
	  "x --client-certificate-data=<redacted> y" },
	/* a token file is a path, not a secret */
	{ "kubectl --token-file /var/run/sa/token get", "kubectl --token-file /var/run/sa/token get" },
	{ "kubectl --token-file=/var/run/sa/token get", "kubectl --token-file=/var/run/sa/token get" },
	{ "x --password-file=/etc/pw y", "x --password-file=/etc/pw y" },
	{ "x --token-file=/t --token 0123456789abcdef", "x --token-file=/t --token <redacted>" },
	{ "--secret=abcdefghijklmnop", "--secret=<redacted>" },
	{ "x --token\tabcdefghijklmnop", "x --token\t<redacted>" },
	{ "    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=",
	  "    client-key-data: <redacted>" },
	{ "user:\n    token: abcdefghijklmnop\n", "user:\n    token: <redacted>\n" },
	{ "{\"token\": \"abcdefghijklmnop\", \"x\": 1}", "{\"token\": \"<redacted>\", \"x\": 1}" },
	{ "key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY----- tail",
	  "key <redacted> tail" },
	{ "-----BEGIN PRIVATE KEY-----\nMIIEvQ truncated", "<redacted>" },
	{ "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----",
	  "<redacted>" },
	/* certificates are public and stay */
	{ "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
	  "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----" },
	/* short secrets shrink nothing: starred over */
	{ "token=abc", "token=***" },
	{ "Bearer x", "Bearer *" },
	{ "nothing secret here: pods=3", "nothing secret here: pods=3" },
	{ "", "" },
};

static void test_redact(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(redact_cases); i++) {
		char *s = xstrdup(redact_cases[i].in);
		size_t before = strlen(s);

		assert_ptr_equal(log_redact(s), s);
		if (strcmp(s, redact_cases[i].out) != 0 || strlen(s) > before) {
			print_error("redact(%s)\n   = %s\nwant %s\n", redact_cases[i].in, s,
				    redact_cases[i].out);
			bad++;
		}
		/* redacting twice changes nothing more */
		{
			char *again = xstrdup(s);
			log_redact(again);
			if (strcmp(again, s) != 0) {
				print_error("second redact changed %s to %s\n", s, again);
				bad++;
			}
			free(again);
		}
		free(s);
	}
	assert_null(log_redact(NULL));
	assert_int_equal(bad, 0);
}

static char tmpdir[256];

static char *read_all(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path) < 0)
		return NULL;
	return strbuf_detach(&sb, NULL);
}

static void test_file_and_stderr(void **state)
{
	const char *base = getenv("TMPDIR");
	char *logpath, *errpath, *text, *cmd;
	struct stat st;
	int saved, fd;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/t_log.XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
	setenv("XDG_STATE_HOME", tmpdir, 1);
	setenv("KURATOR_LOG", "stderr", 1);
	/* stderr goes to a file for the length of this test */
	errpath = xasprintf("%s/stderr", tmpdir);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	close(fd);

	umask(022);
	assert_int_equal(log_open(NULL), 0);
	log_set_level(LOG_INFO);
	log_debug("hidden debug line");
	log_info("connecting with --token=supersecretvalue to %s", "member1");
	log_error("failed: %d", 42);
	log_close();
	log_info("after close");   /* still to stderr, not to the file */

	log_set_stderr(0);
	log_info("not on stderr any more");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	unsetenv("KURATOR_LOG");

	logpath = xasprintf("%s/kurator/kurator.log", tmpdir);
	assert_int_equal(stat(logpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = read_all(logpath);
	assert_non_null(text);
	assert_null(strstr(text, "supersecretvalue"));
	assert_null(strstr(text, "hidden debug"));
	assert_null(strstr(text, "after close"));
	assert_non_null(strstr(text, " info connecting with --token=<redacted> to member1\n"));
	assert_non_null(strstr(text, " error failed: 42\n"));
	free(text);
	text = read_all(errpath);
	assert_non_null(text);
	assert_null(strstr(text, "supersecretvalue"));
	assert_non_null(strstr(text, "after close"));
	assert_null(strstr(text, "not on stderr"));
	free(text);

	/* an explicit path, and a log file that was once world-readable */
	chmod(logpath, 0644);
	assert_int_equal(log_open(logpath), 0);
	log_warn("reopened");
	log_close();
	assert_int_equal(stat(logpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = read_all(logpath);
	assert_non_null(strstr(text, " warn reopened\n"));
	free(text);
	assert_int_equal(log_open("/nonexistent-dir/x/kurator.log"), -1);
	log_info("nowhere");   /* no file, no crash */

	free(logpath);
	free(errpath);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	unsetenv("XDG_STATE_HOME");
}

#define LOG_THREADS 8
#define LOG_LINES 500

static void *log_worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < LOG_LINES; i++)
		log_info("thread %ld line %d password=p%ld-%d-secretsecret end", id, i, id, i);
	return NULL;
}

static void test_threads(void **state)
{
	const char *base = getenv("TMPDIR");
	char dir[256], *path, *text, *line, *save = NULL, *cmd;
	pthread_t th[LOG_THREADS];
	int counts[LOG_THREADS] = { 0 }, total = 0;
	long i;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/t_logth.XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/log", dir);
	assert_int_equal(log_open(path), 0);
	for (i = 0; i < LOG_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, log_worker, (void *)i), 0);
	for (i = 0; i < LOG_THREADS; i++)
		pthread_join(th[i], NULL);
	log_close();
	text = read_all(path);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long id;
		int n;
		char *p = strstr(line, " info thread ");

		assert_non_null(p);
		assert_int_equal(sscanf(p, " info thread %ld line %d", &id, &n), 2);
		assert_true(id >= 0 && id < LOG_THREADS);
		assert_non_null(strstr(p, " password=<redacted> end"));
		assert_null(strstr(p, "secretsecret"));
		assert_int_equal(n, counts[id]);   /* each thread's lines in order */
		counts[id]++;
		total++;
	}
	assert_int_equal(total, LOG_THREADS * LOG_LINES);
	free(text);
	free(path);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int t_log(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_file_and_stderr),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
