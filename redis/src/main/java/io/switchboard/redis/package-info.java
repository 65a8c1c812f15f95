/**
 * Scale-out over Redis: {@link io.switchboard.redis.RedisAdapterFactory} makes the cluster adapter of each namespace
 * (wire-compatible with Node's {@code @socket.io/redis-adapter} 8.3, classic or sharded pub/sub),
 * {@link io.switchboard.redis.RedisStreamsAdapterFactory} the one on Redis Streams (wire-compatible with
 * {@code @socket.io/redis-streams-adapter} 0.3.1, with connection state recovery across servers, even dead ones), and
 * {@link io.switchboard.redis.RedisEmitter} sends into a cluster from a process without connections (compatible with
 * {@code @socket.io/redis-emitter}). The wire formats are described in {@code redis/PROTOCOL.md}.
 *
 * <pre>{@code
 * RedisAdapterFactory redis = RedisAdapterFactory.create("redis://127.0.0.1:6379");
 * Server io = new Server(ServerOptions.builder().adapter(redis).build());
 * }</pre>
 */
package io.switchboard.redis;
