/* t_lib.h - the groups of the lib unit test executable. */
#ifndef KURATOR_T_LIB_H
#define KURATOR_T_LIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/strbuf.h"
#include "lib/xalloc.h"

int t_yaml(void);
int t_jsonx(void);
int t_paths(void);
int t_log(void);
int t_evq(void);

#endif
