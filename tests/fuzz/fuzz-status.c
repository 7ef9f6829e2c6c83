/* fuzz-status.c - libFuzzer target for kube_status_decode: any HTTP status
 * and body must give a bounded, NUL-terminated message and a valid kind,
 * never a crash. The first two bytes choose the HTTP status. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "backends/kube/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kerr e = { 0 };
	long status = 0;

	if (size >= 2) {
		status = (long)(data[0] | (data[1] << 8)) % 600;
		data += 2;
		size -= 2;
	}
	kube_status_decode(status, (const char *)data, size, &e);
	if (memchr(e.msg, '\0', sizeof e.msg) == NULL || memchr(e.reason, '\0', sizeof e.reason) == NULL ||
	    e.kind <= KERR_NONE || e.kind > KERR_GONE)
		__builtin_trap();
	return 0;
}
