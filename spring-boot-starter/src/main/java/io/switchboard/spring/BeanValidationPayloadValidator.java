package io.switchboard.spring;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link PayloadValidator} over a Bean Validation {@link Validator} (Boot's when the application has one). */
final class BeanValidationPayloadValidator implements PayloadValidator {
  private final Validator validator;

  BeanValidationPayloadValidator(Validator validator) {
    this.validator = validator;
  }

  @Override
  public List<PayloadValidationException.Violation> validate(Object value) {
    if (value == null) {
      return List.of();
    }
    List<PayloadValidationException.Violation> out = new ArrayList<>();
    for (ConstraintViolation<Object> v : validator.validate(value)) {
      out.add(new PayloadValidationException.Violation(String.valueOf(v.getPropertyPath()), v.getMessage()));
    }
    out.sort(Comparator.comparing(PayloadValidationException.Violation::path)
        .thenComparing(PayloadValidationException.Violation::message));
    return out;
  }
}
