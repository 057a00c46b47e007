package io.holdfast.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The two Lua scripts that make Redis the cluster's single point of order. A script runs atomically,
 * so de-duplication, the {@code prev-id} check, the sequence number, the history append and the
 * publish of one item happen as one step: two nodes publishing to one channel can never interleave
 * halfway, and every node receives the channel's items in the one order Redis ran them. Keys follow
 * {@link ClusterKeys}; every key a script touches is passed in {@code KEYS} (Redis Cluster needs
 * them declared, and they share the channel's hash slot).
 */
final class RedisScripts {
    private RedisScripts() {}

    /** A script's text and its SHA-1, for {@code EVALSHA} with a fall-back to {@code EVAL}. */
    record Script(String name, String text, String sha) {
        static Script of(String name, String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
                return new Script(name, text, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e); // every JDK has SHA-1
            }
        }
    }

    /**
     * Publishes one item. KEYS: state hash, history stream, seen-id marker (the state key again when
     * the item has no id). ARGV: 1 id, 2 prev-id, 3 force (1 after message_wait), 4 id_cache_ttl ms
     * (0 = no de-dup), 5 history size (0 = no history), 6 state ttl ms, 7 pub/sub channel,
     * 8 sharded (1 = SPUBLISH), 9 the item as publish JSON, 10 no-seq.
     * Returns {@code {"dup"}}, {@code {"wait", lastId}} (prev-id is not the channel's last id yet) or
     * {@code {"ok", n}}. The message published is {@code "<epoch> <n> <json>"}. A new epoch starts when
     * the channel's state is gone (Redis restarted empty, or the state expired): receivers that knew
     * the old epoch then know they may have missed items.
     */
    static final Script PUBLISH = Script.of("publish", """
            local id, prev = ARGV[1], ARGV[2]
            if id ~= '' and ARGV[4] ~= '0' and redis.call('EXISTS', KEYS[3]) == 1 then
              return {'dup'}
            end
            if prev ~= '' and ARGV[3] == '0' and ARGV[10] == '0' then
              local last = redis.call('HGET', KEYS[1], 'l')
              if last and last ~= prev then
                return {'wait', last}
              end
            end
            local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
            local e = redis.call('HGET', KEYS[1], 'e')
            local t = redis.call('TIME')
            if n == 1 or not e then
              e = t[1] .. string.format('%06d', tonumber(t[2]))
              redis.call('HSET', KEYS[1], 'e', e)
              redis.call('DEL', KEYS[2])
            end
            if id ~= '' then
              redis.call('HSET', KEYS[1], 'l', id)
              if ARGV[4] ~= '0' then
                redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            if ARGV[5] ~= '0' and id ~= '' then
              local ms = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))
              redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[5], n .. '-0', 't', ms, 'p', ARGV[9])
              redis.call('PEXPIRE', KEYS[2], ARGV[6])
            end
            local msg = e .. ' ' .. n .. ' ' .. ARGV[9]
            if ARGV[8] == '1' then
              redis.call('SPUBLISH', ARGV[7], msg)
            else
              redis.call('PUBLISH', ARGV[7], msg)
            end
            return {'ok', n}
            """);

    /**
     * Reads a channel's position and history at one instant. KEYS: state hash, history stream.
     * ARGV: 1 the first stream id to return ({@code -} for all, {@code (<n>-0} for after n).
     * Returns {@code {epoch or "", n, now ms, entries}}, entries as XRANGE gives them.
     */
    static final Script READ = Script.of("read", """
            local s = redis.call('HMGET', KEYS[1], 'e', 'n')
            local t = redis.call('TIME')
            local ms = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))
            return {s[1] or '', s[2] or '0', ms, redis.call('XRANGE', KEYS[2], ARGV[1], '+')}
            """);
}
