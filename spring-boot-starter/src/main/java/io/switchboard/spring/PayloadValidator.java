package io.switchboard.spring;

import java.util.List;

/** Checks an event argument marked {@code @Valid}; the starter's is Bean Validation's, when present. */
@FunctionalInterface
interface PayloadValidator {
  List<PayloadValidationException.Violation> validate(Object value);
}
