/* monotime.h - milliseconds on the monotonic clock.
 *
 * Owned by lib. Deadlines, timeouts and "how long ago" all measure with
 * this one clock so they never jump with wall-clock changes and compare
 * across modules.
 */
#ifndef KURATOR_MONOTIME_H
#define KURATOR_MONOTIME_H

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
long long monotime_ms(void);

#endif
