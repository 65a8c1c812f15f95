package io.switchboard.redis;

/**
 * How many channels the sharded mode uses per namespace, as the reference's {@code subscriptionMode} option.
 *
 * <pre>{@code
 * RedisAdapterOptions.builder().mode(RedisMode.SHARDED).subscriptionMode(SubscriptionMode.STATIC).build();
 * }</pre>
 */
public enum SubscriptionMode {
  /** Two channels per namespace: the main one and this server's response channel. */
  STATIC,
  /** Also one channel per public room (not a socket id) with local members: the reference default. */
  DYNAMIC,
  /** Also one channel per private room (socket id) with local members. */
  DYNAMIC_PRIVATE
}
