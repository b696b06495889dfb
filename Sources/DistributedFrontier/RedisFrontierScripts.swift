/// The Lua scripts that change a ``RedisFrontier``'s shared state. Each runs
/// atomically in Redis, so two workers never claim the same URL and the
/// per-host counts stay exact. Times come from Redis' own clock (`TIME`), so
/// workers on machines whose clocks differ still agree.
///
/// Keys, all under the crawl's prefix `asyncurl:NAME:` (ARGV[1]):
/// - `s:BUCKET`: the seen-set, 65,536 sets of fingerprints (top 16 bits pick
///   the set, the low 48 bits are the member: small sets of integers are
///   stored by Redis as sorted arrays of 8-byte integers);
/// - `q:HOST`: a host's queue, a sorted set scored by priority then depth,
///   members `SEQUENCE\nPAYLOAD` (the zero-padded sequence keeps arrival order);
/// - `h:HOST`: a host's `inflight` count, `last` start, robots.txt `delay`, `blocked` until;
/// - `ready`: hosts with queued URLs and a free slot, scored by when they may start;
/// - `leases`: claimed URLs (`HOST\nSCORE\nTOKEN\nSEQUENCE\nPAYLOAD`) scored by expiry;
/// - `delayed`: retries waiting for their backoff (`HOST\nSCORE\nSEQUENCE\nPAYLOAD`);
/// - `stats`: counters (`pending`, `accepted`, `seen`, `done`, ... and `seq`, `seeded`);
/// - `hostpages`, `hosts`, `seedhosts`, `workers`, `wake`, `robots:HOST`, `robotslock:HOST`.
enum RedisFrontierScripts {
    /// Shared helpers: the prefix, the clock, rescheduling a host, splitting members.
    private static let prelude = """
    local P = ARGV[1]
    local function now_ms()
      local t = redis.call('TIME')
      return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    end
    local function num(v) return tonumber(v or 0) or 0 end
    local function reschedule(host, limit, pdelay)
      if redis.call('ZCARD', P .. 'q:' .. host) == 0 then
        redis.call('ZREM', P .. 'ready', host)
        return
      end
      local f = redis.call('HMGET', P .. 'h:' .. host, 'inflight', 'last', 'delay', 'blocked')
      if num(f[1]) >= limit then
        redis.call('ZREM', P .. 'ready', host)
        return
      end
      local at = 0
      if f[2] then at = num(f[2]) + math.max(pdelay, num(f[3])) end
      at = math.max(at, num(f[4]))
      redis.call('ZADD', P .. 'ready', at, host)
    end
    local function split(s, parts)
      local out = {}
      local start = 1
      for i = 1, parts - 1 do
        local nl = string.find(s, '\\n', start, true)
        if not nl then return nil end
        out[i] = string.sub(s, start, nl - 1)
        start = nl + 1
      end
      out[parts] = string.sub(s, start)
      return out
    end
    local function wake(n)
      for i = 1, n do redis.call('LPUSH', P .. 'wake', '1') end
      redis.call('LTRIM', P .. 'wake', 0, 255)
    end
    local function finished()
      return num(redis.call('HGET', P .. 'stats', 'pending')) <= 0
        and redis.call('ZCARD', P .. 'leases') == 0
        and redis.call('ZCARD', P .. 'delayed') == 0
        and redis.call('HGET', P .. 'stats', 'seeded') ~= false
    end

    """

    /// Offers URLs. ARGV: prefix, per-host limit, policy delay (ms), max pages
    /// (-1: none), max per host (-1: none), check seed hosts (0/1), these are
    /// seeds (0/1), then per URL: bucket, member, host, score, payload.
    /// Returns one code per URL: 0 queued, 1 duplicate, 2 off scope, 3 page limit.
    static let add = prelude + """
    local limit, pdelay = tonumber(ARGV[2]), tonumber(ARGV[3])
    local maxPages, maxPerHost = tonumber(ARGV[4]), tonumber(ARGV[5])
    local checkSeeds, isSeeds = ARGV[6] == '1', ARGV[7] == '1'
    local stats = P .. 'stats'
    local n = (#ARGV - 7) / 5
    if isSeeds then
      for i = 8, #ARGV, 5 do redis.call('SADD', P .. 'seedhosts', ARGV[i + 2]) end
    end
    local accepted = num(redis.call('HGET', stats, 'accepted'))
    local seq = redis.call('HINCRBY', stats, 'seq', n) - n
    local out, touched = {}, {}
    local counts = {0, 0, 0, 0}
    for i = 8, #ARGV, 5 do
      local bucket, member, host = P .. 's:' .. ARGV[i], ARGV[i + 1], ARGV[i + 2]
      local code = 0
      if redis.call('SISMEMBER', bucket, member) == 1 then
        code = 1
      elseif checkSeeds and redis.call('SISMEMBER', P .. 'seedhosts', host) == 0 then
        code = 2
      elseif maxPages >= 0 and accepted >= maxPages then
        code = 3
      elseif maxPerHost >= 0 and num(redis.call('HGET', P .. 'hostpages', host)) >= maxPerHost then
        code = 3
      else
        redis.call('SADD', bucket, member)
        accepted = accepted + 1
        seq = seq + 1
        redis.call('HINCRBY', P .. 'hostpages', host, 1)
        redis.call('ZADD', P .. 'q:' .. host, ARGV[i + 3], string.format('%015d', seq) .. '\\n' .. ARGV[i + 4])
        if not touched[host] then
          touched[host] = true
          redis.call('SADD', P .. 'hosts', host)
        end
      end
      counts[code + 1] = counts[code + 1] + 1
      out[#out + 1] = code
    end
    if counts[1] > 0 then
      redis.call('HINCRBY', stats, 'accepted', counts[1])
      redis.call('HINCRBY', stats, 'seen', counts[1])
      redis.call('HINCRBY', stats, 'pending', counts[1])
      for host, _ in pairs(touched) do reschedule(host, limit, pdelay) end
      wake(math.min(counts[1], 16))
    end
    if counts[2] > 0 then redis.call('HINCRBY', stats, 'duplicates', counts[2]) end
    if counts[3] > 0 then redis.call('HINCRBY', stats, 'offScope', counts[3]) end
    if counts[4] > 0 then redis.call('HINCRBY', stats, 'pageLimited', counts[4]) end
    if isSeeds then redis.call('HSET', stats, 'seeded', '1') end
    return out
    """

    /// Claims the next URL whose host may start now. ARGV: prefix, per-host
    /// limit, policy delay (ms), lease time (ms), lease token.
    /// First returns expired leases and due retries to their queues.
    /// Returns `{'E', lease, more}` (more = '1' when another host is ready),
    /// `{'W', ms}` (nothing yet: wait at most ms, -1 when only a completion
    /// or an add can help) or `{'F'}` (the crawl is finished).
    static let claim = prelude + """
    local limit, pdelay, leaseMs, token = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
    local stats = P .. 'stats'
    local now = now_ms()
    for _, lease in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now, 'LIMIT', 0, 64)) do
      redis.call('ZREM', P .. 'leases', lease)
      local f = split(lease, 4)
      if f then
        redis.call('HINCRBY', P .. 'h:' .. f[1], 'inflight', -1)
        redis.call('ZADD', P .. 'q:' .. f[1], f[2], f[4])
        redis.call('HINCRBY', stats, 'pending', 1)
        redis.call('HINCRBY', stats, 'expired', 1)
        reschedule(f[1], limit, pdelay)
      end
    end
    for _, retry in ipairs(redis.call('ZRANGEBYSCORE', P .. 'delayed', '-inf', now, 'LIMIT', 0, 64)) do
      redis.call('ZREM', P .. 'delayed', retry)
      local f = split(retry, 3)
      if f then
        redis.call('ZADD', P .. 'q:' .. f[1], f[2], f[3])
        redis.call('HINCRBY', stats, 'pending', 1)
        reschedule(f[1], limit, pdelay)
      end
    end
    for attempt = 1, 8 do
      local hosts = redis.call('ZRANGEBYSCORE', P .. 'ready', '-inf', now, 'LIMIT', 0, 1)
      if #hosts == 0 then break end
      local host = hosts[1]
      local hk = P .. 'h:' .. host
      local popped = {}
      if num(redis.call('HGET', hk, 'inflight')) < limit then
        popped = redis.call('ZPOPMIN', P .. 'q:' .. host)
      end
      if #popped == 0 then
        -- At its limit or empty (workers with different limits): out of the turn order.
        redis.call('ZREM', P .. 'ready', host)
      else
        redis.call('HINCRBY', hk, 'inflight', 1)
        redis.call('HSET', hk, 'last', now)
        redis.call('HINCRBY', stats, 'pending', -1)
        local lease = host .. '\\n' .. popped[2] .. '\\n' .. token .. '\\n' .. popped[1]
        redis.call('ZADD', P .. 'leases', now + leaseMs, lease)
        reschedule(host, limit, pdelay)
        local more = #redis.call('ZRANGEBYSCORE', P .. 'ready', '-inf', now, 'LIMIT', 0, 1) > 0
        return {'E', lease, more and '1' or '0'}
      end
    end
    if finished() then return {'F'} end
    local wait = -1
    for _, key in ipairs({'ready', 'delayed', 'leases'}) do
      local first = redis.call('ZRANGE', P .. key, 0, 0, 'WITHSCORES')
      if #first == 2 then
        local at = math.max(0, tonumber(first[2]) - now)
        if wait < 0 or at < wait then wait = at end
      end
    end
    return {'W', tostring(wait)}
    """

    /// Ends a lease. ARGV: prefix, per-host limit, policy delay (ms), lease,
    /// kind, counter, wait (ms), retry member (`SEQUENCE`-less payload).
    /// Kinds: `done` (counted under the counter: success, failed, gaveUp,
    /// robotsDenied), `denied` (robots.txt: also gives back the page limits),
    /// `retryNow` (requeued at once, the host blocked for wait ms),
    /// `retryLater` (requeued after wait ms), `release` (requeued as it was).
    /// Returns `{lease still held (0/1), crawl finished (0/1)}`.
    static let complete = prelude + """
    local limit, pdelay = tonumber(ARGV[2]), tonumber(ARGV[3])
    local lease, kind, counter, wait, payload = ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8]
    local stats = P .. 'stats'
    local now = now_ms()
    local f = split(lease, 4)
    if not f then return redis.error_reply('malformed lease') end
    local host, score, qmember = f[1], f[2], f[4]
    local held = redis.call('ZREM', P .. 'leases', lease)
    if held == 1 then
      redis.call('HINCRBY', P .. 'h:' .. host, 'inflight', -1)
    elseif redis.call('ZREM', P .. 'q:' .. host, qmember) == 1 then
      -- The lease had expired and the URL was queued again: it is handled now.
      redis.call('HINCRBY', stats, 'pending', -1)
    end
    if kind == 'retryNow' or kind == 'retryLater' then
      redis.call('HINCRBY', stats, 'retries', 1)
      if held == 1 then
        local seq = redis.call('HINCRBY', stats, 'seq', 1)
        local member = string.format('%015d', seq) .. '\\n' .. payload
        if kind == 'retryNow' then
          redis.call('ZADD', P .. 'q:' .. host, score, member)
          redis.call('HINCRBY', stats, 'pending', 1)
          local blocked = num(redis.call('HGET', P .. 'h:' .. host, 'blocked'))
          redis.call('HSET', P .. 'h:' .. host, 'blocked', math.max(blocked, now + wait))
        else
          redis.call('ZADD', P .. 'delayed', now + wait, host .. '\\n' .. score .. '\\n' .. member)
        end
      end
    elseif kind == 'release' then
      if held == 1 then
        redis.call('ZADD', P .. 'q:' .. host, score, qmember)
        redis.call('HINCRBY', stats, 'pending', 1)
      end
    else
      redis.call('HINCRBY', stats, 'done', 1)
      redis.call('HINCRBY', stats, counter, 1)
      if kind == 'denied' then
        redis.call('HINCRBY', stats, 'accepted', -1)
        redis.call('HINCRBY', P .. 'hostpages', host, -1)
      end
    end
    reschedule(host, limit, pdelay)
    local isFinished = finished()
    wake(isFinished and 64 or 1)
    return {held, isFinished and 1 or 0}
    """

    /// Marks a fingerprint seen. ARGV: prefix, bucket, member. Returns 1 when it was new.
    static let markSeen = prelude + """
    local added = redis.call('SADD', P .. 's:' .. ARGV[2], ARGV[3])
    if added == 1 then redis.call('HINCRBY', P .. 'stats', 'seen', 1) end
    return added
    """

    /// Extends this worker's leases and heartbeat (and forgets workers whose
    /// heartbeat ran out). ARGV: prefix, lease time
    /// (ms), worker id, heartbeat time (ms), leases... Returns how many leases were still held.
    static let renew = prelude + """
    local leaseMs, worker, heartbeatMs = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
    local now = now_ms()
    redis.call('ZREMRANGEBYSCORE', P .. 'workers', '-inf', now)
    redis.call('ZADD', P .. 'workers', now + heartbeatMs, worker)
    local held = 0
    for i = 5, #ARGV do
      if redis.call('ZSCORE', P .. 'leases', ARGV[i]) ~= false then
        redis.call('ZADD', P .. 'leases', now + leaseMs, ARGV[i])
        held = held + 1
      end
    end
    return held
    """

    /// Reads a crawl's progress. ARGV: prefix. Returns
    /// `{stats (flat field/value list), leases, delayed, live workers, hosts, ready hosts}`.
    static let status = prelude + """
    local now = now_ms()
    return {
      redis.call('HGETALL', P .. 'stats'),
      redis.call('ZCARD', P .. 'leases'),
      redis.call('ZCARD', P .. 'delayed'),
      redis.call('ZCOUNT', P .. 'workers', now, '+inf'),
      redis.call('SCARD', P .. 'hosts'),
      redis.call('ZCOUNT', P .. 'ready', '-inf', now)
    }
    """
}
