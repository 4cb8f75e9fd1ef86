import { failure, GatewayFailure } from "../schema/error.js";

/**
 * Runs a drop-in surface's converter over a caller's native body. The converters check the fields
 * they need and throw a GatewayFailure naming them; a body odd in a way no check foresaw (a number
 * where an object belongs, deep inside) makes the converter throw a TypeError instead. That is
 * still the caller's malformed body, so it is a 400 too, never a 500.
 */
export function convertNativeBody<T>(convert: () => T): T | GatewayFailure {
  try {
    return convert();
  } catch (err) {
    if (err instanceof GatewayFailure) return err;
    if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) {
      return failure({ status: 400, message: `request body has a field of the wrong type or shape (${err.message})`, code: "invalid_request" });
    }
    throw err;
  }
}
