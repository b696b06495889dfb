/// A Lua script of the shared frontier's wire protocol: its source, and the
/// number of keys every call passes before the script's own (``RedisKeys/common``).
struct RedisScript: Sendable, Hashable {
    /// The script's name, for errors.
    let name: String
    /// The Lua source (loaded once per connection, then called by its SHA-1).
    let source: String
}

/// The Lua scripts that change a ``RedisFrontier``'s shared state. Each runs
/// atomically in Redis, so two workers never claim the same URL and the
/// per-host counts stay exact. Times come from Redis' own clock (`TIME`), so
/// workers on machines whose clocks differ still agree.
///
/// Every call passes ``RedisKeys/common`` as `KEYS[1...11]`, then the keys of
/// the hosts, seen-set buckets and worker records it names (see each script).
/// Some keys no caller can know beforehand: the queues and states of hosts the
/// claim script finds in `ready`, `leases` and `delayed`; those of the URLs a
/// dead (or stopping) worker never said it wrote, which go back to their
/// queues (renew, acknowledge); a dead worker's `u:WORKER` record itself,
/// which the renew script finds in `workers`; and the oldest stored robots.txt
/// files the storeRobots script drops over its cap. Those it builds from the
/// crawl's prefix (`ARGV[1]`), and the `{NAME}` hash tag puts them in the
/// same hash slot as the declared keys (see ``RedisKeys``).
enum RedisFrontierScripts {
    /// Shared helpers: the keys, the clock, rescheduling a host, splitting members.
    static let prelude = """
        local P = ARGV[1]
        local STATS, READY, LEASES, DELAYED, HOSTPAGES, HOSTS, SEEDHOSTS, WORKERS, WAKE =
          KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
        local PAUSED, GIVENUP = KEYS[10], KEYS[11]
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local function num(v) return tonumber(v or 0) or 0 end
        local function qkey(host) return P .. 'q:' .. host end
        local function hkey(host) return P .. 'h:' .. host end
        -- A host's state, as schedule reads it.
        local function host_fields(hk)
          return redis.call('HMGET', hk, 'inflight', 'last', 'delay', 'blocked', 'throttle', 'plimit', 'pdelay', 'pthrottle')
        end
        -- A host's slot limit and the least time between two of its starts (ms), from its state:
        -- plimit, pdelay, pthrottle are the host's own rule (see the add script), over the crawl's.
        local function host_rule(f, limit, pdelay)
          local throttle = f[8] == '0' and 0 or num(f[5])
          return f[6] and num(f[6]) or limit, math.max(f[7] and num(f[7]) or pdelay, num(f[3]), throttle)
        end
        -- Puts a host in READY at the time it may start next (or takes it out: no
        -- queue, or no free slot), from its state f (host_fields). True when that is
        -- sooner than before (or it was not in READY): workers that wait may have something to claim now.
        local function schedule(host, qk, f, limit, pdelay)
          if redis.call('ZCARD', qk) == 0 then
            redis.call('ZREM', READY, host)
            return false
          end
          local hostLimit, gap = host_rule(f, limit, pdelay)
          if num(f[1]) >= hostLimit then
            redis.call('ZREM', READY, host)
            return false
          end
          local at = 0
          if f[2] then at = num(f[2]) + gap end
          at = math.max(at, num(f[4]))
          local before = redis.call('ZSCORE', READY, host)
          redis.call('ZADD', READY, at, host)
          return before == false or at < tonumber(before)
        end
        local function reschedule(host, qk, hk, limit, pdelay)
          return schedule(host, qk, host_fields(hk), limit, pdelay)
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
        -- Tells n waiting workers (in any process) to look again: only when a host
        -- became ready sooner, or the crawl finished (one notification each is a
        -- call, and a BLPOP round trip in some worker).
        local function wake(n)
          if n <= 0 then return end
          for i = 1, n do redis.call('LPUSH', WAKE, '1') end
          redis.call('LTRIM', WAKE, 0, 255)
        end
        -- A whole host waits until untilMs (a longer pause in force stays); counted, and listed in PAUSED.
        local function pause_host(host, hk, untilMs, reason)
          if untilMs <= num(redis.call('HGET', hk, 'blocked')) then return end
          redis.call('HSET', hk, 'blocked', untilMs, 'reason', reason)
          redis.call('ZADD', PAUSED, untilMs, host)
          redis.call('HINCRBY', STATS, 'hostPauses', 1)
        end
        -- Drops a host's queue and refuses its later URLs; returns how many URLs went.
        local function give_up(host, qk)
          local dropped = redis.call('ZCARD', qk)
          redis.call('DEL', qk)
          redis.call('ZREM', READY, host)
          redis.call('ZREM', PAUSED, host)
          if redis.call('SADD', GIVENUP, host) == 1 then redis.call('HINCRBY', STATS, 'hostsGivenUp', 1) end
          if dropped > 0 then
            redis.call('HINCRBY', STATS, 'pending', -dropped)
            redis.call('HINCRBY', STATS, 'done', dropped)
            redis.call('HINCRBY', STATS, 'droppedWithHost', dropped)
          end
          return dropped
        end
        -- Completed URLs whose output a worker has not yet said it wrote (see the
        -- complete script): a hash per worker, `u:WORKER`, one field per batch,
        -- each item the counter, a newline and the lease, written as `LENGTH:ITEM`.
        -- Its callers pass their own worker's in KEYS; only the renew script, which
        -- finds dead workers, builds theirs from the prefix.
        local function unwritten_key(worker) return P .. 'u:' .. worker end
        local function each_item(value, fn)
          local pos = 1
          while pos <= #value do
            local colon = string.find(value, ':', pos, true)
            if not colon then return end
            local length = tonumber(string.sub(value, pos, colon - 1)) or 0
            fn(string.sub(value, colon + 1, colon + length))
            pos = colon + length + 1
          end
        end
        local function item_count(value)
          local n = 0
          each_item(value, function() n = n + 1 end)
          return n
        end
        -- The worker wrote the output of its batches up to `through`: they are done for good.
        local function acknowledge(uk, through)
          local fields = redis.call('HGETALL', uk)
          local gone = 0
          for i = 1, #fields, 2 do
            if tonumber(fields[i]) <= through then
              gone = gone + item_count(fields[i + 1])
              redis.call('HDEL', uk, fields[i])
            end
          end
          if gone > 0 then redis.call('HINCRBY', STATS, 'unwritten', -gone) end
          return gone
        end
        -- A worker that died (or stopped) before saying it wrote these URLs'
        -- output: each goes back to its queue, no longer counted done, and is
        -- fetched again (its output may then appear twice; it is never lost).
        local function requeue_items(value, limit, pdelay)
          local n = 0
          each_item(value, function(item)
            local f = split(item, 5)
            if f then
              redis.call('ZADD', qkey(f[2]), f[3], f[5])
              redis.call('HINCRBY', STATS, 'pending', 1)
              redis.call('HINCRBY', STATS, 'done', -1)
              redis.call('HINCRBY', STATS, f[1], -1)
              reschedule(f[2], qkey(f[2]), hkey(f[2]), limit, pdelay)
            end
            n = n + 1
          end)
          return n
        end
        -- Only the batches named in `only` (a set), when given.
        local function requeue_unwritten(uk, limit, pdelay, only)
          local fields = redis.call('HGETALL', uk)
          local n = 0
          for i = 1, #fields, 2 do
            if not only or only[fields[i]] then
              n = n + requeue_items(fields[i + 1], limit, pdelay)
              redis.call('HDEL', uk, fields[i])
            end
          end
          if n > 0 then
            redis.call('HINCRBY', STATS, 'unwritten', -n)
            redis.call('HINCRBY', STATS, 'requeuedUnwritten', n)
          end
          return n
        end
        local function finished()
          return num(redis.call('HGET', STATS, 'pending')) <= 0
            and num(redis.call('HGET', STATS, 'unwritten')) <= 0
            and redis.call('ZCARD', LEASES) == 0
            and redis.call('ZCARD', DELAYED) == 0
            and redis.call('HGET', STATS, 'seeded') ~= false
        end

        -- When no renewal or claim reached Redis for more than half a lease time
        -- (an outage, a restart, a replica taking over, every worker stalled), that
        -- silence is not counted against anyone: the heartbeats, leases and host
        -- slots still running at the last contact move on by the gap. Keeps the
        -- time of the last contact in stats (see the renew script's notes).
        local function forgive_silence(now, periodMs)
          local last = tonumber(redis.call('HGET', STATS, 'lastContact') or '')
          if last and now - last > periodMs / 2 then
            local gap = now - last
            for _, key in ipairs({WORKERS, LEASES, P .. 'slots'}) do
              local members = redis.call('ZRANGEBYSCORE', key, '(' .. last, '+inf', 'WITHSCORES')
              for i = 1, #members, 2 do
                redis.call('ZADD', key, tonumber(members[i + 1]) + gap, members[i])
              end
            end
          end
          redis.call('HSET', STATS, 'lastContact', now)
        end

        -- Claims up to `most` URLs whose hosts may start now, for the worker whose
        -- lease token is `token` (see the claim script, which is this function; the
        -- complete script calls it too, for the worker's tasks that wait).
        local function claim_urls(limit, pdelay, leaseMs, token, most)
          local now = now_ms()
          forgive_silence(now, leaseMs)
          for _, lease in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, 64)) do
            redis.call('ZREM', LEASES, lease)
            local f = split(lease, 4)
            if f then
              redis.call('HINCRBY', hkey(f[1]), 'inflight', -1)
              redis.call('ZADD', qkey(f[1]), f[2], f[4])
              redis.call('HINCRBY', STATS, 'pending', 1)
              redis.call('HINCRBY', STATS, 'expired', 1)
              reschedule(f[1], qkey(f[1]), hkey(f[1]), limit, pdelay)
            end
          end
          for _, retry in ipairs(redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 64)) do
            redis.call('ZREM', DELAYED, retry)
            local f = split(retry, 3)
            if f and redis.call('SISMEMBER', GIVENUP, f[1]) == 1 then
              redis.call('HINCRBY', STATS, 'done', 1)
              redis.call('HINCRBY', STATS, 'droppedWithHost', 1)
            elseif f then
              redis.call('ZADD', qkey(f[1]), f[2], f[3])
              redis.call('HINCRBY', STATS, 'pending', 1)
              reschedule(f[1], qkey(f[1]), hkey(f[1]), limit, pdelay)
            end
          end
          local claimed = {'E', '0'}
          -- Numbers given to redis.call are formatted each time: these once.
          local nowText, expiry = tostring(now), tostring(now + leaseMs)
          -- Takes up to `want` URLs of a ready host: one when its starts must be
          -- spaced (a delay), else as many as it has free slots, in one ZPOPMIN.
          local function claim_from(host, want)
            local qk, hk = qkey(host), hkey(host)
            local f = host_fields(hk)
            local hostLimit, gap = host_rule(f, limit, pdelay)
            local free = hostLimit - num(f[1])
            local popped = {}
            if free > 0 then
              -- A paused host (its READY score not yet moved) gives one, as a delay does.
              local spaced = gap > 0 or num(f[4]) > now
              popped = redis.call('ZPOPMIN', qk, spaced and 1 or math.min(free, want))
            end
            if #popped == 0 then
              -- At its limit or empty (workers with different limits): out of the turn order.
              redis.call('ZREM', READY, host)
              return
            end
            local n = #popped / 2
            f[1] = redis.call('HINCRBY', hk, 'inflight', n)
            f[2] = nowText
            redis.call('HSET', hk, 'last', nowText)
            redis.call('HINCRBY', STATS, 'pending', -n)
            -- The fencing tokens: each claim's number, never used again in this crawl.
            local fence = redis.call('HINCRBY', STATS, 'fence', n) - n
            local scored = {}
            for i = 1, n do
              local lease = host .. '\\n' .. popped[2 * i] .. '\\n' .. token .. '#' .. (fence + i) .. '\\n' .. popped[2 * i - 1]
              scored[2 * i - 1] = expiry
              scored[2 * i] = lease
              claimed[#claimed + 1] = lease
            end
            redis.call('ZADD', LEASES, unpack(scored))
            schedule(host, qk, f, limit, pdelay)
          end
          -- In turns over the ready hosts, oldest first, each a fair share of what is still wanted.
          for turn = 1, 8 do
            local want = most - (#claimed - 2)
            if want <= 0 then break end
            local hosts = redis.call('ZRANGEBYSCORE', READY, '-inf', now, 'LIMIT', 0, want)
            if #hosts == 0 then break end
            local share = math.ceil(want / #hosts)
            for _, host in ipairs(hosts) do
              want = most - (#claimed - 2)
              if want <= 0 then break end
              claim_from(host, math.min(share, want))
            end
          end
          if #claimed > 2 then
            if #claimed - 2 >= most and #redis.call('ZRANGEBYSCORE', READY, '-inf', now, 'LIMIT', 0, 1) > 0 then claimed[2] = '1' end
            return claimed
          end
          if finished() then return {'F'} end
          local wait = -1
          for _, key in ipairs({READY, DELAYED, LEASES}) do
            local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
            if #first == 2 then
              local at = math.max(0, tonumber(first[2]) - now)
              if wait < 0 or at < wait then wait = at end
            end
          end
          return {'W', tostring(wait)}
        end

        """

    /// Offers URLs. ARGV: prefix, per-host limit, policy delay (ms), max pages
    /// (-1: none), max per host (-1: none), check seed hosts (0/1), these are
    /// seeds (0/1), per-host time budget (ms, -1: none), max pending (-1:
    /// none), max queued per host (-1: none), AutoThrottle's start delay (ms,
    /// -1: no AutoThrottle), host rules (`HOST\nLIMIT\nDELAY_MS\nTHROTTLE_MS`
    /// per host with a rule, THROTTLE_MS -1 when AutoThrottle is off for it:
    /// kept in the host's state as plimit, pdelay, pthrottle), then per URL: member, host,
    /// score, payload. KEYS after the common ones, per URL: its seen-set
    /// bucket, its host's queue and state.
    /// Returns one code per URL: 0 queued, 1 duplicate, 2 off scope, 3 page
    /// limit (or its host was given up for its `Crawl-delay`), 4 queue limit (the host's queue, or
    /// the URLs pending in all, is full: not marked seen, counted
    /// `queueLimited`), 5 its host was given up for its robots.txt (counted
    /// `robotsUnavailable`, as the in-memory frontier does); then `HOST\nDROPPED\nDELAY_MS` for each host this
    /// call gave up because its `Crawl-delay` times its queue exceeds the budget.
    static let add = RedisScript(
        name: "add",
        source: prelude + """
            local limit, pdelay = tonumber(ARGV[2]), tonumber(ARGV[3])
            local maxPages, maxPerHost = tonumber(ARGV[4]), tonumber(ARGV[5])
            local checkSeeds, isSeeds, budget = ARGV[6] == '1', ARGV[7] == '1', tonumber(ARGV[8])
            local maxPending, maxQueuedPerHost = tonumber(ARGV[9]), tonumber(ARGV[10])
            local throttleStart = tonumber(ARGV[11])
            local n = (#ARGV - 12) / 4
            local rule = {}
            for field in string.gmatch(ARGV[12], '[^\\n]+') do
              rule[#rule + 1] = field
              if #rule == 4 then
                local hk = hkey(rule[1])
                redis.call('HSET', hk, 'plimit', rule[2], 'pdelay', rule[3], 'pthrottle', tonumber(rule[4]) >= 0 and '1' or '0')
                if tonumber(rule[4]) >= 0 then redis.call('HSETNX', hk, 'throttle', rule[4]) end
                rule = {}
              end
            end
            if isSeeds then
              for i = 0, n - 1 do redis.call('SADD', SEEDHOSTS, ARGV[13 + i * 4 + 1]) end
            end
            local accepted = num(redis.call('HGET', STATS, 'accepted'))
            local pending = num(redis.call('HGET', STATS, 'pending'))
            local seq = redis.call('HINCRBY', STATS, 'seq', n) - n
            local out, touched, sooner = {}, {}, 0
            local counts = {0, 0, 0, 0, 0, 0}
            -- What the batch knows of each host, read at most once: whether it is a
            -- seed host, given up (and why), its pages and queue (with the batch's
            -- own added), and the members it queues (one ZADD per host).
            local known = {}
            local function host_of(host, qk, hk)
              local h = known[host]
              if not h then
                h = {qk = qk, hk = hk, members = {}, added = 0}
                known[host] = h
              end
              return h
            end
            local function refusal(h, host)
              if checkSeeds then
                if h.seed == nil then h.seed = redis.call('SISMEMBER', SEEDHOSTS, host) == 1 end
                if not h.seed then return 2 end
              end
              if maxPages >= 0 and accepted >= maxPages then return 3 end
              if maxPerHost >= 0 then
                if h.pages == nil then h.pages = num(redis.call('HGET', HOSTPAGES, host)) end
                if h.pages + h.added >= maxPerHost then return 3 end
              end
              if h.givenUp == nil then
                -- Given up for its robots.txt (its failures kept) or for its Crawl-delay.
                h.givenUp = false
                if redis.call('SISMEMBER', GIVENUP, host) == 1 then
                  h.givenUp = num(redis.call('HGET', h.hk, 'robotsfails')) > 0 and 5 or 3
                end
              end
              if h.givenUp then return h.givenUp end
              if maxPending >= 0 and pending >= maxPending then return 4 end
              if maxQueuedPerHost >= 0 then
                if h.queued == nil then h.queued = redis.call('ZCARD', h.qk) end
                if h.queued + h.added >= maxQueuedPerHost then return 4 end
              end
              return 0
            end
            for i = 0, n - 1 do
              local a, k = 13 + i * 4, 12 + i * 3
              local member, host = ARGV[a], ARGV[a + 1]
              local bucket = KEYS[k]
              local code = 1
              if redis.call('SISMEMBER', bucket, member) == 0 then
                local h = host_of(host, KEYS[k + 1], KEYS[k + 2])
                code = refusal(h, host)
                if code == 0 then
                  pending = pending + 1
                  redis.call('SADD', bucket, member)
                  accepted = accepted + 1
                  seq = seq + 1
                  h.added = h.added + 1
                  h.members[2 * h.added - 1] = ARGV[a + 2]
                  h.members[2 * h.added] = string.format('%015d', seq) .. '\\n' .. ARGV[a + 3]
                  if not touched[host] then
                    touched[host] = {h.qk, h.hk}
                    redis.call('SADD', HOSTS, host)
                    if throttleStart >= 0 then redis.call('HSETNX', h.hk, 'throttle', throttleStart) end
                  end
                end
              end
              counts[code + 1] = counts[code + 1] + 1
              out[#out + 1] = code
            end
            for host, h in pairs(known) do
              if h.added > 0 then
                redis.call('HINCRBY', HOSTPAGES, host, h.added)
                redis.call('ZADD', h.qk, unpack(h.members))
              end
            end
            if counts[1] > 0 then
              redis.call('HINCRBY', STATS, 'accepted', counts[1])
              redis.call('HINCRBY', STATS, 'seen', counts[1])
              redis.call('HINCRBY', STATS, 'pending', counts[1])
              for host, keys in pairs(touched) do
                local f = host_fields(keys[2])
                local delay = num(f[3])
                if budget >= 0 and delay > pdelay and redis.call('ZCARD', keys[1]) * delay > budget then
                  local queued = redis.call('ZCARD', keys[1])
                  give_up(host, keys[1])
                  out[#out + 1] = host .. '\\n' .. queued .. '\\n' .. delay
                elseif schedule(host, keys[1], f, limit, pdelay) then
                  sooner = sooner + 1
                end
              end
              wake(math.min(sooner, 16))
            end
            if counts[2] > 0 then redis.call('HINCRBY', STATS, 'duplicates', counts[2]) end
            if counts[3] > 0 then redis.call('HINCRBY', STATS, 'offScope', counts[3]) end
            if counts[4] > 0 then redis.call('HINCRBY', STATS, 'pageLimited', counts[4]) end
            if counts[5] > 0 then redis.call('HINCRBY', STATS, 'queueLimited', counts[5]) end
            if counts[6] > 0 then redis.call('HINCRBY', STATS, 'robotsUnavailable', counts[6]) end
            if isSeeds then redis.call('HSET', STATS, 'seeded', '1') end
            return out
            """)

    /// Claims the next URLs whose hosts may start now, at most `most` of them
    /// (one call for several waiting fetches: fewer calls, and the expired
    /// leases and due retries are looked at once for all). ARGV: prefix, per-host
    /// limit, policy delay (ms), lease time (ms), worker id, most. Each lease's token
    /// is `WORKER#FENCE`, FENCE a number no other claim of the crawl gets
    /// (`stats.fence`): a URL claimed again after its lease expired gets a
    /// different lease, so the late worker's completion no longer matches.
    /// First returns expired leases and due retries to their queues.
    /// Returns `{'E', more, lease...}` (at least one lease; more = '1' when all
    /// `most` were claimed and another host is ready),
    /// `{'W', ms}` (nothing yet: wait at most ms, -1 when only a completion
    /// or an add can help) or `{'F'}` (the crawl is finished).
    static let claim = RedisScript(
        name: "claim",
        source: prelude + """
            local most = math.max(1, tonumber(ARGV[6]) or 1)
            return claim_urls(tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], most)
            """)

    /// Ends leases, one or more in one call (completions that arrive while
    /// one call is on the wire go together in the next). ARGV: prefix, per-host
    /// limit, policy delay (ms), the batch's worker and number (the worker
    /// empty: not named), the last of the worker's batches whose output it
    /// wrote (see `unwritten` below), the policy's failure threshold, failure
    /// window (ms), failure pause backoff (ms), longest wait (ms), a 429's
    /// pause reason, the lease time (ms) and how many URLs to claim for the
    /// batch's worker after the batch (0: none; see the end), then for each lease 14 arguments: the lease,
    /// kind, counter, wait (ms), retry member (`SEQUENCE`-less payload), host
    /// pause (ms, 0: none), failure (the URL's fingerprint when
    /// it failed, `S` for a success, empty otherwise), then
    /// AutoThrottle's sample: the response's latency (ms, -1: none, or no
    /// AutoThrottle), whether it succeeded (0/1), the target concurrency and
    /// the least and most delay (ms); the host's estimate (`h:HOST` `throttle`)
    /// moves as ``AutoThrottle/adjusted(_:latency:succeeded:)`` says, for every worker;
    /// whether the worker writes output for the URL once it is done (0/1);
    /// last, how long ago (ms) its request to the host ended (-1: it made none):
    /// the host's `last` moves to then when that is later, so the host's delay
    /// runs from the later of its last start and its last end, as in one process.
    /// Such a URL stays `unwritten` (in `u:WORKER`, under the batch's number)
    /// until a later call of the worker says that batch's output is written;
    /// the crawl is not finished while any is, and a worker whose heartbeat
    /// runs out first has them queued again (`requeuedUnwritten`), so a URL
    /// done by a worker killed before it wrote is fetched again, never lost.
    /// KEYS after the common ones: `replies` and the worker's `u:WORKER`
    /// (``RedisKeys/replies`` and ``RedisKeys/unwritten(worker:)``), then for
    /// each lease its host's queue, state and recent failures.
    /// Kinds (``LeaseEnd``): `done` (counted under the counter: success,
    /// failed, gaveUp, waitTooLong, robotsDenied, robotsUnavailable), `denied` (robots.txt: also
    /// gives back the page limits), `retryNow` (requeued at once; with a host
    /// pause, a 429), `retryLater` (requeued after wait ms), `release` (requeued as it was).
    /// Failures of `threshold` distinct URLs of a host within the window pause
    /// the host for the backoff, doubled for each such pause in a row (a success resets).
    /// A lease no longer held (it expired; its URL was queued again by a
    /// claim) is refused whatever the kind: the URL stays where it is, so none
    /// is lost and none is counted twice (`stats.stale` counts the refusals);
    /// what the response says about its host (failures, pauses, latency) still counts.
    /// What a batch changes per host (its in-flight count, its place in `ready`)
    /// and in `stats` is written once per batch, not once per lease.
    /// Returns, for each lease, whether it was still held (0/1; a lease this
    /// code cannot read counts as not held), then whether the crawl is finished (0/1),
    /// then (when asked to claim, the batch named and the crawl not finished)
    /// what the claim script would answer for that many URLs.
    /// A named batch's answer is kept (`replies`, one field per worker, its
    /// last batch only; dropped with the worker's heartbeat): the same batch
    /// sent again (a retry after a lost reply) gets it again and changes nothing.
    static let complete = RedisScript(
        name: "complete",
        source: prelude + """
            local limit, pdelay = tonumber(ARGV[2]), tonumber(ARGV[3])
            local REPLIES, UNWRITTEN = KEYS[12], KEYS[13]
            local batchWorker, batchNumber = ARGV[4], ARGV[5]
            if batchWorker ~= '' then
              local last = redis.call('HGET', REPLIES, batchWorker)
              if last then
                local space = string.find(last, ' ', 1, true)
                if space and string.sub(last, 1, space - 1) == batchNumber then
                  local again = {}
                  for flag in string.gmatch(string.sub(last, space + 1), '%d') do again[#again + 1] = tonumber(flag) end
                  return again
                end
              end
              acknowledge(UNWRITTEN, tonumber(ARGV[6]) or 0)
            end
            local threshold, windowMs, backoffMs, capMs = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
            local pauseReason = ARGV[11]
            local leaseMs, claimMost = tonumber(ARGV[12]), tonumber(ARGV[13]) or 0
            local now = now_ms()
            local unwritten = {}
            -- What the batch adds to `stats`, and per host (in first-seen order) its keys,
            -- the slots it frees and whether its failure window is cleared already.
            local counts, hosts, order = {}, {}, {}
            local function count(field, n) counts[field] = (counts[field] or 0) + n end
            local function host_of(host, k)
              local h = hosts[host]
              if not h then
                h = {qk = KEYS[k], hk = KEYS[k + 1], freed = 0, clean = false}
                hosts[host] = h
                order[#order + 1] = host
              end
              return h
            end
            local function end_lease(a, h, host, f)
              local kind = ARGV[a + 1]
              if kind == 'retryNow' or kind == 'retryLater' then
                count('retries', 1)
                local seq = redis.call('HINCRBY', STATS, 'seq', 1)
                local member = string.format('%015d', seq) .. '\\n' .. ARGV[a + 4]
                if kind == 'retryNow' then
                  redis.call('ZADD', h.qk, f[2], member)
                  count('pending', 1)
                else
                  redis.call('ZADD', DELAYED, now + tonumber(ARGV[a + 3]), host .. '\\n' .. f[2] .. '\\n' .. member)
                end
              elseif kind == 'release' then
                redis.call('ZADD', h.qk, f[2], f[4])
                count('pending', 1)
              else
                local counter = ARGV[a + 2]
                count('done', 1)
                count(counter, 1)
                if kind == 'done' and ARGV[a + 12] == '1' then
                  -- LENGTH:COUNTER\\nLEASE, in one concatenation.
                  unwritten[#unwritten + 1] = (#counter + 1 + #ARGV[a]) .. ':' .. counter .. '\\n' .. ARGV[a]
                end
                if kind == 'denied' then
                  count('accepted', -1)
                  redis.call('HINCRBY', HOSTPAGES, host, -1)
                end
              end
            end
            -- What the response says about its host: AutoThrottle's sample, failures, a pause.
            local function signal(a, k, h, host)
              local latency = tonumber(ARGV[a + 7])
              if latency >= 0 then
                -- AutoThrottle, as AutoThrottle.adjusted does it, on the host's shared estimate.
                local current = num(redis.call('HGET', h.hk, 'throttle'))
                local target = latency / tonumber(ARGV[a + 9])
                local nextDelay = math.min(math.max(math.max(target, (current + target) / 2), tonumber(ARGV[a + 10])), tonumber(ARGV[a + 11]))
                if ARGV[a + 8] ~= '1' and nextDelay < current then nextDelay = current end
                redis.call('HSET', h.hk, 'throttle', math.floor(nextDelay))
              end
              local failure, fk = ARGV[a + 6], KEYS[k + 2]
              if failure == 'S' then
                -- Once per host and batch, unless a failure came in between.
                if not h.clean then
                  redis.call('DEL', fk)
                  redis.call('HDEL', h.hk, 'streak')
                  h.clean = true
                end
              elseif failure ~= '' then
                h.clean = false
                redis.call('ZREMRANGEBYSCORE', fk, '-inf', '(' .. tostring(now - windowMs))
                redis.call('ZADD', fk, now, failure)
                redis.call('PEXPIRE', fk, windowMs + 1000)
                if redis.call('ZCARD', fk) >= threshold then
                  redis.call('DEL', fk)
                  local streak = redis.call('HINCRBY', h.hk, 'streak', 1)
                  pause_host(host, h.hk, now + math.min(backoffMs * 2 ^ math.min(streak - 1, 30), capMs), 'failures')
                end
              end
              local pauseMs = tonumber(ARGV[a + 5])
              if pauseMs > 0 then pause_host(host, h.hk, now + pauseMs, pauseReason) end
            end
            local function complete_one(a, k)
              local f = split(ARGV[a], 4)
              -- Not a lease this code wrote: held by nobody, refused.
              if not f then return 0 end
              local host = f[1]
              local h = host_of(host, k)
              local held = redis.call('ZREM', LEASES, ARGV[a])
              if held == 0 then
                -- A stale lease: it expired, and its URL went back to the queue (and
                -- maybe to another worker). It is that URL's owner now: the URL stays.
                count('stale', 1)
              else
                h.freed = h.freed + 1
                end_lease(a, h, host, f)
              end
              signal(a, k, h, host)
              local endedAgo = tonumber(ARGV[a + 13]) or -1
              if endedAgo >= 0 then
                -- The delay runs from the request's end too (a stale lease's request reached the host all the same).
                local endedAt = now - endedAgo
                if endedAt > num(redis.call('HGET', h.hk, 'last')) then redis.call('HSET', h.hk, 'last', endedAt) end
              end
              return held
            end
            local out, sooner = {}, 0
            for i = 0, (#ARGV - 13) / 14 - 1 do
              out[#out + 1] = complete_one(14 + i * 14, 14 + i * 3)
            end
            for _, host in ipairs(order) do
              local h = hosts[host]
              if h.freed > 0 then redis.call('HINCRBY', h.hk, 'inflight', -h.freed) end
              if reschedule(host, h.qk, h.hk, limit, pdelay) then sooner = sooner + 1 end
            end
            for field, n in pairs(counts) do
              if n ~= 0 then redis.call('HINCRBY', STATS, field, n) end
            end
            if #unwritten > 0 and batchWorker ~= '' then
              redis.call('HSET', UNWRITTEN, batchNumber, table.concat(unwritten))
              redis.call('HINCRBY', STATS, 'unwritten', #unwritten)
            end
            local isFinished = finished()
            -- URLs for the worker's tasks that wait, claimed in this same call
            -- (the slots it freed, mostly): one script call per batch instead of one
            -- claim per freed slot. Not kept for a retried batch: a lease whose
            -- answer was lost expires, and its URL goes back to its queue.
            local claimed = nil
            if claimMost > 0 and batchWorker ~= '' and not isFinished then
              claimed = claim_urls(limit, pdelay, leaseMs, batchWorker, claimMost)
            end
            local taken = (claimed and claimed[1] == 'E') and (#claimed - 2) or 0
            wake(isFinished and 64 or math.max(0, math.min(sooner, 16) - taken))
            out[#out + 1] = isFinished and 1 or 0
            if batchWorker ~= '' then redis.call('HSET', REPLIES, batchWorker, batchNumber .. ' ' .. table.concat(out)) end
            if claimed then
              for _, part in ipairs(claimed) do out[#out + 1] = part end
            end
            return out
            """)

    /// Marks a fingerprint seen. ARGV: prefix, member. KEYS after the common
    /// ones: the fingerprint's seen-set bucket. Returns 1 when it was new.
    static let markSeen = RedisScript(
        name: "markSeen",
        source: prelude + """
            local added = redis.call('SADD', KEYS[12], ARGV[2])
            if added == 1 then redis.call('HINCRBY', STATS, 'seen', 1) end
            return added
            """)

    /// Extends this worker's leases and heartbeat (and forgets workers whose
    /// heartbeat ran out, queuing again the URLs they completed and never
    /// said they wrote). ARGV: prefix, lease time (ms), worker id, heartbeat
    /// time (ms), per-host limit, policy delay (ms), leases... KEYS after the
    /// common ones: `replies`. A dead worker's `u:WORKER` (and the queues of its
    /// URLs) cannot be known by the caller: they are built from the prefix, in
    /// the crawl's hash slot (see the type's notes). Returns how many leases were still held.
    ///
    /// When no renewal or claim of any worker reached Redis for more than half
    /// the caller's heartbeat time (Redis was down, restarted from its AOF or
    /// replaced by a replica, or every worker was stalled), that silence is
    /// not counted against anyone: every heartbeat, lease and host slot
    /// (`slots`, see `RedisHostSlotScripts`) still running at the last contact
    /// moves on by the gap, so no worker is taken for dead (and the pages it
    /// wrote fetched and written again), and no lease is taken back (and its
    /// page fetched again), for an outage it could not help. What had run out
    /// before the last contact is not moved. The claim script (and the
    /// complete script, which claims too) does the same first, with its lease
    /// time. The time of the last contact is kept in `stats` (`lastContact`).
    /// Made of Redis' own clock and the crawl's keys only, so an ACL user
    /// without `@dangerous` (no `INFO`) runs it.
    static let renew = RedisScript(
        name: "renew",
        source: prelude + """
            local leaseMs, worker, heartbeatMs = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
            local limit, pdelay = tonumber(ARGV[5]), tonumber(ARGV[6])
            local now = now_ms()
            forgive_silence(now, heartbeatMs)
            local requeued = 0
            for _, gone in ipairs(redis.call('ZRANGEBYSCORE', WORKERS, '-inf', now, 'LIMIT', 0, 64)) do
              -- The caller is alive, whatever its heartbeat says (it was late: a stall).
              if gone ~= worker then
                redis.call('ZREM', WORKERS, gone)
                redis.call('HDEL', KEYS[12], gone)
                requeued = requeued + requeue_unwritten(unwritten_key(gone), limit, pdelay)
              end
            end
            wake(math.min(requeued, 16))
            redis.call('ZADD', WORKERS, now + heartbeatMs, worker)
            local held = 0
            for i = 7, #ARGV do
              if redis.call('ZSCORE', LEASES, ARGV[i]) ~= false then
                redis.call('ZADD', LEASES, now + leaseMs, ARGV[i])
                held = held + 1
              end
            end
            return held
            """)

    /// Says a worker wrote the output of its batches up to a number (see
    /// the complete script's `unwritten`). ARGV: prefix, per-host limit, policy
    /// delay (ms), worker id, the last batch written, whether the worker stops
    /// (0/1: then its kept batch answer goes), then the numbers of batches (not
    /// above it) whose output will never be written (the worker stops): those
    /// go back to the queues first. KEYS after the common ones: the worker's
    /// `u:WORKER`, then `replies`.
    /// Wakes every waiting worker when that finished the crawl. Returns whether the crawl is finished (0/1).
    static let acknowledge = RedisScript(
        name: "acknowledge",
        source: prelude + """
            local limit, pdelay, worker = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
            local gone = 0
            if ARGV[6] == '1' then redis.call('HDEL', KEYS[13], worker) end
            if #ARGV > 6 then
              local only = {}
              for i = 7, #ARGV do only[ARGV[i]] = true end
              gone = requeue_unwritten(KEYS[12], limit, pdelay, only)
            end
            gone = gone + acknowledge(KEYS[12], tonumber(ARGV[5]) or 0)
            if finished() then
              if gone > 0 then wake(64) end
              return 1
            end
            return 0
            """)

    /// Reads a crawl's progress. ARGV: prefix. Returns
    /// `{stats (flat field/value list), leases, delayed, live workers, hosts, ready hosts,
    /// paused hosts, given-up hosts, ms until the soonest pause ends (-1: none), its reason,
    /// ms until the soonest retry (-1: none)}`.
    static let status = RedisScript(
        name: "status",
        source: prelude + """
            local now = now_ms()
            local resume, reason, retry = -1, '', -1
            local first = redis.call('ZRANGEBYSCORE', PAUSED, '(' .. tostring(now), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
            if #first == 2 then
              resume = tonumber(first[2]) - now
              reason = redis.call('HGET', hkey(first[1]), 'reason') or ''
            end
            redis.call('ZREMRANGEBYSCORE', PAUSED, '-inf', now)
            local due = redis.call('ZRANGE', DELAYED, 0, 0, 'WITHSCORES')
            if #due == 2 then retry = math.max(0, tonumber(due[2]) - now) end
            return {
              redis.call('HGETALL', STATS),
              redis.call('ZCARD', LEASES),
              redis.call('ZCARD', DELAYED),
              redis.call('ZCOUNT', WORKERS, now, '+inf'),
              redis.call('SCARD', HOSTS),
              redis.call('ZCOUNT', READY, '-inf', now),
              redis.call('ZCOUNT', PAUSED, '(' .. tostring(now), '+inf'),
              redis.call('SCARD', GIVENUP),
              resume, reason,
              retry
            }
            """)

    /// Counts a failed robots.txt fetch of a host. ARGV: prefix, host, tries
    /// before giving up, backoff (ms, doubling), longest wait (ms), per-host
    /// limit, policy delay (ms). KEYS after the common ones: the host's queue and state.
    /// Returns `{'R', ms}` (the host is paused for ms, robots.txt is tried
    /// again after it) or `{'G', dropped}` (the host was given up, its queued URLs dropped).
    static let robotsFailed = RedisScript(
        name: "robotsFailed",
        source: prelude + """
            local host, attempts, backoffMs, capMs = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
            local limit, pdelay = tonumber(ARGV[6]), tonumber(ARGV[7])
            local qk, hk = KEYS[12], KEYS[13]
            local now = now_ms()
            local failures = redis.call('HINCRBY', hk, 'robotsfails', 1)
            if failures >= attempts then
              local dropped = give_up(host, qk)
              if dropped > 0 then redis.call('HINCRBY', STATS, 'robotsUnavailable', dropped) end
              wake(finished() and 64 or 1)
              return {'G', dropped}
            end
            local waitMs = math.min(backoffMs * 2 ^ math.min(failures - 1, 30), capMs)
            redis.call('HSET', hk, 'robotsretry', now + waitMs)
            pause_host(host, hk, now + waitMs, 'robots.txt')
            reschedule(host, qk, hk, limit, pdelay)
            return {'R', tostring(waitMs)}
            """)

    /// Stores a host's robots.txt for every worker, and keeps at most a
    /// number of them (the least recently stored go first). ARGV: prefix,
    /// host, encoded file, lifetime (ms), `Crawl-delay` (ms, -1: none), most
    /// files kept. KEYS after the common ones: the file's key, the host's
    /// state, the index of stored files, the host's lock. Returns how many older files were dropped.
    static let storeRobots = RedisScript(
        name: "storeRobots",
        source: prelude + """
            local host, body, lifetimeMs, delayMs, most = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
            local rk, hk, index, lock = KEYS[12], KEYS[13], KEYS[14], KEYS[15]
            local now = now_ms()
            redis.call('SET', rk, body, 'PX', lifetimeMs)
            redis.call('HDEL', hk, 'robotsfails', 'robotsretry')
            if delayMs >= 0 then redis.call('HSET', hk, 'delay', delayMs) end
            redis.call('ZADD', index, now, host)
            redis.call('HINCRBY', STATS, 'robotsFetched', 1)
            redis.call('DEL', lock)
            local dropped = 0
            while redis.call('ZCARD', index) > most do
              local oldest = redis.call('ZPOPMIN', index)
              redis.call('DEL', P .. 'robots:' .. oldest[1])
              dropped = dropped + 1
            end
            return dropped
            """)
}
