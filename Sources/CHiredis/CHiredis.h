// The only place where AsyncURL touches hiredis' C API directly.
//
// hiredis' `redisCommand` is variadic, which Swift cannot call: the
// DistributedFrontier target uses the argv forms (`redisCommandArgv`,
// `redisAppendCommandArgv` + `redisGetReply`), which take explicit lengths and
// are binary safe, so no wrapper functions are needed here.
#ifndef ASYNCURL_CHIREDIS_H
#define ASYNCURL_CHIREDIS_H

#include <hiredis/hiredis.h>

#endif
