/* sim-load.c - a small HTTP load generator for kurator-sim's benchmark.
 *
 *   sim-load URL [-X METHOD] [-c CONCURRENCY] [-n REQUESTS | -t SECONDS]
 *            [-d BODY] [-T CONTENT-TYPE] [-H 'Header: v'] [--cacert FILE]
 *            [--seq]     (replace "%d" in URL and BODY by the request number)
 *
 * One thread per connection, each with its own keep-alive libcurl handle.
 * Prints requests, seconds, requests/s, bytes received, p50/p99 latency, and
 * the count of non-2xx answers (exit status 1 if any).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct opts {
	const char *url, *method, *body, *ctype, *cacert;
	const char *headers[8];
	int nheaders, conc, seq;
	long requests;
	double seconds;
};

struct worker {
	pthread_t th;
	const struct opts *o;
	long done, failed;
	double *lat;
	long nlat, alat;
	size_t bytes;
};

static long next_req;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static double t_end;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
	struct worker *w = ud;

	(void)p;
	w->bytes += sz * n;
	return sz * n;
}

static char *subst(const char *tmpl, long i)
{
	size_t n = strlen(tmpl) + 32;
	char *out = malloc(n), *o = out;
	const char *p;

	for (p = tmpl; *p; p++) {
		if (p[0] == '%' && p[1] == 'd') {
			o += sprintf(o, "%ld", i);
			p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	CURL *c = curl_easy_init();
	struct curl_slist *hs = NULL;
	int i;

	for (i = 0; i < o->nheaders; i++)
		hs = curl_slist_append(hs, o->headers[i]);
	if (o->ctype) {
		char h[256];
		snprintf(h, sizeof h, "Content-Type: %s", o->ctype);
		hs = curl_slist_append(hs, h);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, w);
	if (o->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	for (;;) {
		long id, code = 0;
		char *url, *body = NULL;
		double t0;

		pthread_mutex_lock(&mu);
		id = next_req++;
		pthread_mutex_unlock(&mu);
		if ((o->requests && id >= o->requests) || (!o->requests && now() >= t_end))
			break;
		url = o->seq ? subst(o->url, id) : strdup(o->url);
		curl_easy_setopt(c, CURLOPT_URL, url);
		if (o->body) {
			body = o->seq ? subst(o->body, id) : strdup(o->body);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		}
		t0 = now();
		if (curl_easy_perform(c) != CURLE_OK)
			w->failed++;
		else {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
			if (code < 200 || code > 299)
				w->failed++;
		}
		if (w->nlat == w->alat) {
			w->alat = w->alat ? w->alat * 2 : 1024;
			w->lat = realloc(w->lat, (size_t)w->alat * sizeof *w->lat);
		}
		w->lat[w->nlat++] = now() - t0;
		w->done++;
		free(url);
		free(body);
	}
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	return NULL;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct opts o = { .method = "GET", .conc = 4, .seconds = 3 };
	struct worker *ws;
	double t0, el, *all;
	long done = 0, failed = 0, n = 0;
	size_t bytes = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-X") && v) o.method = v, i++;
		else if (!strcmp(a, "-c") && v) o.conc = atoi(v), i++;
		else if (!strcmp(a, "-n") && v) o.requests = atol(v), i++;
		else if (!strcmp(a, "-t") && v) o.seconds = atof(v), i++;
		else if (!strcmp(a, "-d") && v) o.body = v, i++;
		else if (!strcmp(a, "-T") && v) o.ctype = v, i++;
		else if (!strcmp(a, "-H") && v && o.nheaders < 8) o.headers[o.nheaders++] = v, i++;
		else if (!strcmp(a, "--cacert") && v) o.cacert = v, i++;
		else if (!strcmp(a, "--seq")) o.seq = 1;
		else if (a[0] != '-' && !o.url) o.url = a;
		else {
			fprintf(stderr, "sim-load: bad argument %s\n", a);
			return 2;
		}
	}
	if (!o.url || o.conc < 1) {
		fprintf(stderr, "usage: sim-load URL [-X M] [-c N] [-n N | -t S] [-d BODY] [-T TYPE] [-H H] [--cacert F] [--seq]\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_ALL);
	ws = calloc((size_t)o.conc, sizeof *ws);
	t0 = now();
	t_end = t0 + o.seconds;
	for (i = 0; i < o.conc; i++) {
		ws[i].o = &o;
		pthread_create(&ws[i].th, NULL, run, &ws[i]);
	}
	for (i = 0; i < o.conc; i++) {
		pthread_join(ws[i].th, NULL);
		done += ws[i].done;
		failed += ws[i].failed;
		bytes += ws[i].bytes;
	}
	el = now() - t0;
	all = malloc((size_t)(done ? done : 1) * sizeof *all);
	for (i = 0; i < o.conc; i++) {
		memcpy(all + n, ws[i].lat, (size_t)ws[i].nlat * sizeof *all);
		n += ws[i].nlat;
		free(ws[i].lat);
	}
	qsort(all, (size_t)n, sizeof *all, cmp_d);
	printf("requests=%ld seconds=%.2f rps=%.0f bytes=%zu p50_ms=%.2f p99_ms=%.2f failed=%ld\n", done, el,
	       done / el, bytes, n ? all[n / 2] * 1000 : 0, n ? all[(n * 99) / 100] * 1000 : 0, failed);
	free(all);
	free(ws);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
