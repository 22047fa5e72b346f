/**
 * Resource quantities ({@code cpu: 500m}, {@code memory: 128Mi}) with upstream's parsing,
 * rounding and canonical printing, for validation, scheduling arithmetic and serialization.
 */
package dev.kapal.api.quantity;
