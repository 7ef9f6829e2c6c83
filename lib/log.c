/* log.c - the diagnostic log, with secrets redacted from every line. */
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xalloc.h"

#include <ctype.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static int log_to_stderr = -1;     /* -1: not decided yet (KURATOR_LOG) */
static enum log_level log_level = LOG_INFO;

int log_open(const char *path)
{
	char *dir = NULL, *def = NULL;
	int fd;
	FILE *f;

	if (!path) {
		dir = path_state_dir();
		if (path_mkdirs(dir, 0700, NULL) < 0) {
			free(dir);
			return -1;
		}
		def = xasprintf("%s/kurator.log", dir);
		path = def;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	/* An older file may have been created with a wider mode. */
	if (fd >= 0 && fchmod(fd, 0600) < 0) {
		close(fd);
		fd = -1;
	}
	f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f && fd >= 0)
		close(fd);
	free(def);
	free(dir);
	if (!f)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

void log_set_stderr(int on)
{
	pthread_mutex_lock(&log_lock);
	log_to_stderr = on ? 1 : 0;
	pthread_mutex_unlock(&log_lock);
}

void log_set_level(enum log_level level)
{
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char line[2048], stamp[32];
	struct timeval tv;
	struct tm tm;
	va_list ap;

	if (level < __atomic_load_n(&log_level, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&log_lock);
	if (log_to_stderr < 0) {
		const char *v = getenv("KURATOR_LOG");
		log_to_stderr = v && !strcmp(v, "stderr");
	}
	if (!log_file && !log_to_stderr) {
		pthread_mutex_unlock(&log_lock);
		return;
	}
	pthread_mutex_unlock(&log_lock);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_redact(line);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fprintf(log_file, "%s.%03ldZ %s %s\n", stamp, (long)tv.tv_usec / 1000,
			names[level], line);
	if (log_to_stderr)
		fprintf(stderr, "%s.%03ldZ %s %s\n", stamp, (long)tv.tv_usec / 1000,
			names[level], line);
	pthread_mutex_unlock(&log_lock);
}

/* Replace s[start, end) by "<redacted>" if that does not grow the string;
 * secrets shorter than the marker are blanked with '*'. Returns the index
 * just after the replacement. */
static size_t replace_span(char *s, size_t start, size_t end)
{
	static const char mark[] = "<redacted>";
	size_t mlen = sizeof mark - 1, len = strlen(s);

	if (end <= start)
		return end;
	if (end - start >= mlen) {
		memcpy(s + start, mark, mlen);
		memmove(s + start + mlen, s + end, len - end + 1);
		return start + mlen;
	}
	memset(s + start, '*', end - start);
	return end;
}

/* Length of the secret value starting at s: up to whitespace, '&', ',', ';'
 * or a closing quote. */
static size_t value_len(const char *s)
{
	size_t n = 0;

	while (s[n] && !isspace((unsigned char)s[n]) && s[n] != '&' && s[n] != ',' &&
	       s[n] != ';' && s[n] != '"' && s[n] != '\'')
		n++;
	return n;
}

/* Keys after which a value is secret. Each is matched case-insensitively;
 * the value may follow '=', ':' or whitespace (optionally quoted). A key
 * starting with "--" is a whole flag name: "--token" does not match
 * "--token-file" (a path, kept) and "--client-key" leaves
 * "--client-key-data" to its own entry, so the flag name stays intact. */
static const char *const secret_keys[] = {
	"bearer ", "basic ", "authorization:", "--token", "token=", "token:",
	"--password", "password=", "password:", "passwd=", "--client-key",
	"--client-key-data", "client-key-data:", "client-key-data=",
	"--client-certificate-data",
	"secret=", "--secret", "apikey=", "api-key=", "access_token=",
	"\"token\":", "\"password\":", "clientkeydata\":",
};

char *log_redact(char *s)
{
	size_t i;
	char *begin, *end, *scan;

	if (!s)
		return s;
	/* PEM private keys, whole block (or to the end of the string). */
	scan = s;
	while ((begin = strstr(scan, "-----BEGIN"))) {
		char *label_end = strstr(begin + 10, "-----");

		if (!label_end || memmem(begin, (size_t)(label_end - begin), "PRIVATE KEY", 11) == NULL) {
			scan = begin + 10;
			continue;
		}
		end = strstr(label_end + 5, "-----END");
		if (end)
			end = strstr(end + 8, "-----");
		end = end ? end + 5 : begin + strlen(begin);
		scan = s + replace_span(s, (size_t)(begin - s), (size_t)(end - s));
	}
	for (i = 0; i < sizeof secret_keys / sizeof secret_keys[0]; i++) {
		const char *key = secret_keys[i];
		size_t klen = strlen(key), pos = 0;

		while (s[pos]) {
			size_t v;

			if (strncasecmp(s + pos, key, klen) != 0) {
				pos++;
				continue;
			}
			v = pos + klen;
			if (key[0] == '-' && key[1] == '-' && s[v] && s[v] != '=' &&
			    s[v] != ' ' && s[v] != '\t') {
				pos = v;    /* a longer flag name */
				continue;
			}
			/* "--token X", "--token=X", "token: X", "Bearer X" */
			while (s[v] == '=' || s[v] == ' ' || s[v] == '\t' || s[v] == ':')
				v++;
			if (s[v] == '"' || s[v] == '\'')
				v++;
			/* "Authorization: Bearer X": let the bearer rule take it */
			if (!strncasecmp(s + v, "bearer ", 7) || !strncasecmp(s + v, "basic ", 6)) {
				pos = v;
				continue;
			}
			if (!strcasecmp(key, "authorization:")) {
				/* any other scheme: the whole header value goes */
				size_t e = v;
				while (s[e] && s[e] != '\n' && s[e] != '\r' && s[e] != '"')
					e++;
				if (!strncmp(s + v, "<redacted>", 10) && e == v + 10) {
					pos = e;
					continue;
				}
				pos = replace_span(s, v, e);
				continue;
			}
			if (!strncmp(s + v, "<redacted>", 10)) {
				pos = v + 10;
				continue;
			}
			pos = replace_span(s, v, v + value_len(s + v));
		}
	}
	return s;
}
