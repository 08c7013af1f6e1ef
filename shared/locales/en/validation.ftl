# Messages of the `errors` member of a 422, one list per field.
validation-length-between = Length must be between { $min } and { $max }.
validation-length-min = Length must be at least { $min }.
validation-length-max = Length must be at most { $max }.
validation-length = Invalid length.
validation-range-between = Must be between { $min } and { $max }.
validation-range = Out of range.
validation-email = Not a valid e-mail address.
validation-invalid = Invalid ({ $code }).
validation-blank = Must not be blank.
validation-body-object = The body must be a JSON object.
validation-nul = Must not contain NUL characters.
validation-field-unknown = Unknown field.
validation-field-missing = This field is required.
validation-field-invalid = Invalid value: { $detail }
validation-query = Invalid query string: { $detail }
validation-cursor = Invalid cursor.
validation-action-unknown = Unknown action code “{ $code }”.
