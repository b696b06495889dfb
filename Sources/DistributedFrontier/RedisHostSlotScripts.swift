/// The Lua scripts through which requests other than the frontier's own
/// claims (a rendered page's subrequests) take a host's slots in a
/// ``RedisFrontier``: they share the host's `inflight` count and `last` start
/// in `h:HOST` with the claim script, so claims and subrequests of every
/// worker together keep the host's concurrency and delay.
///
/// A slot taken is a member `HOST\nTOKEN` of `slots` scored by its expiry: a
/// worker that dies holding one stops giving it back, and the next sweep of
/// any worker (`expiredSlots`, then `giveSlots` with only the expired) frees
/// it. A claim's slot set aside while its page renders is a member
/// `HOST\n-TOKEN`: given back (or swept), the claim has its slot again, and
/// the claim's own end (or expiry) frees it as usual.
/// Each call passes ``RedisKeys/common`` first, then every key it names.
enum RedisHostSlotScripts {
    /// Takes a slot of a host, or marks a start in it. ARGV: prefix, per-host
    /// limit, policy delay (ms), host, token, expiry (ms), mode: `slot` (a
    /// slot of its own, counted in `inflight`, once the host's delay ran),
    /// `aside` (a claim's slot is freed while its page renders: `inflight` one
    /// less until the member `HOST\n-TOKEN` is given back; the page's fetch
    /// ended, so the host's `last` moves to now) or `touch` (a claimed
    /// page's fetch starts now: the start is recorded, nothing waits).
    /// KEYS after the common ones: the host's queue and state, `slots`.
    /// Returns 0 (taken; the start is the host's `last`), the ms to wait for the
    /// host's delay (or pause), or -1 (all its slots are taken: ask again later).
    static let take = RedisScript(
        name: "takeHostSlot",
        source: RedisFrontierScripts.prelude + """
            local limit, pdelay, host, token = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
            local expiryMs, mode = tonumber(ARGV[6]), ARGV[7]
            local qk, hk, SLOTS = KEYS[12], KEYS[13], KEYS[14]
            local now = now_ms()
            if mode == 'aside' then
              -- The page's fetch just ended: the host's delay runs from here too.
              if now > num(redis.call('HGET', hk, 'last')) then redis.call('HSET', hk, 'last', now) end
              redis.call('HINCRBY', hk, 'inflight', -1)
              redis.call('ZADD', SLOTS, now + expiryMs, host .. '\\n' .. token)
              if reschedule(host, qk, hk, limit, pdelay) then wake(1) end
              return 0
            end
            if mode == 'slot' then
              local f = host_fields(hk)
              local hostLimit, gap = host_rule(f, limit, pdelay)
              if num(f[1]) >= hostLimit then return -1 end
              local at = 0
              if f[2] then at = num(f[2]) + gap end
              at = math.max(at, num(f[4]))
              if at > now then return at - now end
            end
            redis.call('HSET', hk, 'last', now)
            if mode == 'slot' then
              redis.call('HINCRBY', hk, 'inflight', 1)
              redis.call('ZADD', SLOTS, now + expiryMs, host .. '\\n' .. token)
            end
            reschedule(host, qk, hk, limit, pdelay)
            return 0
            """)

    /// Gives slots back (and feeds AutoThrottle). ARGV: prefix, per-host limit,
    /// policy delay (ms), only expired (0/1), then per slot 7 arguments: host,
    /// token (`-` first: a claim's slot set aside, which its claim takes back), latency (ms, -1:
    /// none, or no AutoThrottle), whether it succeeded (0/1), AutoThrottle's
    /// target concurrency, least and most delay (ms). KEYS after the common
    /// ones: `slots`, then per slot its host's queue and state. A slot not in
    /// `slots` (given back already, or freed after its expiry) changes nothing.
    /// A request's slot given back moves the host's `last` to now: its delay
    /// runs from the later of the last start and the last end.
    /// Returns how many slots were given back.
    static let give = RedisScript(
        name: "giveHostSlots",
        source: RedisFrontierScripts.prelude + """
            local limit, pdelay, expiredOnly = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'
            local SLOTS = KEYS[12]
            local now = now_ms()
            local freed, sooner = 0, 0
            for i = 0, (#ARGV - 4) / 7 - 1 do
              local a, k = 5 + i * 7, 13 + i * 2
              local host, token, latency = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
              local qk, hk = KEYS[k], KEYS[k + 1]
              local member = host .. '\\n' .. token
              local expiry = redis.call('ZSCORE', SLOTS, member)
              if expiry and (not expiredOnly or tonumber(expiry) <= now) then
                redis.call('ZREM', SLOTS, member)
                redis.call('HINCRBY', hk, 'inflight', string.sub(token, 1, 1) == '-' and 1 or -1)
                freed = freed + 1
                -- A request's end (not a claim's slot coming back, nor a dead worker's):
                -- the host's delay runs from it too, as from its start.
                if not expiredOnly and string.sub(token, 1, 1) ~= '-' and now > num(redis.call('HGET', hk, 'last')) then
                  redis.call('HSET', hk, 'last', now)
                end
              end
              if latency >= 0 then
                -- AutoThrottle, as the complete script moves the host's shared estimate.
                local tconcurrency, tmin, tmax = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6])
                local current = num(redis.call('HGET', hk, 'throttle'))
                local target = latency / tconcurrency
                local nextDelay = math.min(math.max(math.max(target, (current + target) / 2), tmin), tmax)
                if ARGV[a + 3] ~= '1' and nextDelay < current then nextDelay = current end
                redis.call('HSET', hk, 'throttle', math.floor(nextDelay))
              end
              if reschedule(host, qk, hk, limit, pdelay) then sooner = sooner + 1 end
            end
            wake(math.min(sooner, 16))
            return freed
            """)

    /// Lists slots past their expiry (a dead worker's), 64 at most, after
    /// forgiving a silence of every worker (an outage of Redis) as the renew
    /// and claim scripts do. ARGV: prefix, the caller's lease time (ms). KEYS
    /// after the common ones: `slots`. Returns their members.
    static let expired = RedisScript(
        name: "expiredHostSlots",
        source: RedisFrontierScripts.prelude + """
            local now = now_ms()
            forgive_silence(now, tonumber(ARGV[2]))
            return redis.call('ZRANGEBYSCORE', KEYS[12], '-inf', now, 'LIMIT', 0, 64)
            """)
}
