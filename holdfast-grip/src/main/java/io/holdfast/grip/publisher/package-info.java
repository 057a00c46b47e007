/**
 * A publish client for Java origins: {@link io.holdfast.grip.publisher.GripPublisher} POSTs
 * {@link io.holdfast.grip.publish.PublishItem}s to a GRIP proxy's publish endpoint (Holdfast, Pushpin,
 * Fastly Fanout), configured from a GRIP_URL ({@link io.holdfast.grip.publisher.GripUrl}) or a builder.
 * It uses only {@code java.net.http}, so an origin needs no other HTTP library.
 */
package io.holdfast.grip.publisher;
