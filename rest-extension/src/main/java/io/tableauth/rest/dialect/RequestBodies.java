package io.tableauth.rest.dialect;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.rest.core.AuthError;

/**
 * A dialect's request body as its record: each component is read from the JSON field of the same name. A text
 * component takes a JSON string only (VALIDATION naming the field otherwise), a {@code Boolean} a JSON boolean, a
 * {@code JsonNode} whatever was sent; an absent or null field is null. Fields the record does not name are ignored,
 * as the hosted products do.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    public static <R extends Record> R bind(JsonNode body, Class<R> type) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            JsonNode v = body == null ? null : body.get(c.getName());
            boolean absent = v == null || v.isNull();
            if (c.getType() == String.class) {
                if (!absent && !v.isTextual()) {
                    throw AuthError.validation(c.getName(), "The " + c.getName() + " must be a string.");
                }
                values[i] = absent ? null : v.asText();
            } else if (c.getType() == Boolean.class) {
                if (!absent && !v.isBoolean()) {
                    throw AuthError.validation(c.getName(), "The " + c.getName() + " must be true or false.");
                }
                values[i] = absent ? null : v.asBoolean();
            } else if (c.getType() == JsonNode.class) {
                values[i] = absent ? null : v;
            } else {
                throw new IllegalStateException(type.getName() + "." + c.getName() + ": no reader for " + c.getType());
            }
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot make a " + type.getName(), e);
        }
    }
}
