package io.cxbridge.directory.source;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.directory.entry.InvalidDirectoryException;
import io.cxbridge.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns one platform record into a {@link DirectoryEntry}: a built-in mapping per {@link SourceKind}, which
 * configuration overrides field by field with JSON Pointers ({@code cxbridge.directory.sources.<id>.mapping.email=/workEmail}).
 * Unknown fields of a record are ignored; only the mapped values are checked (strings of at most
 * {@value #MAX_TEXT} characters, an id that is not blank, attributes that are an object).
 */
public final class EntryMapping {

    public static final int MAX_TEXT = 2048;
    public static final Set<String> FIELDS = Set.of("id", "name", "address", "email", "phone", "customAttributes");
    private static final List<String> CONTACT_PHONES = List.of("workPhone", "cellPhone", "homePhone", "otherPhone");
    private static final List<String> ADDRESS_PARTS =
            List.of("address1", "address2", "city", "state", "postalCode", "countryCode");

    private final SourceKind kind;
    private final Map<String, JsonPointer> overrides;

    private EntryMapping(SourceKind kind, Map<String, JsonPointer> overrides) {
        this.kind = kind;
        this.overrides = overrides;
    }

    /** Refuses (stops start-up) an override of a field that does not exist or a pointer that does not parse. */
    public static EntryMapping of(SourceKind kind, Map<String, String> overrides, String keyPrefix) {
        Map<String, JsonPointer> pointers = new TreeMap<>();
        overrides.forEach((field, pointer) -> {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(
                        keyPrefix + field + ": no such field; mappable are " + new TreeSet<>(FIELDS));
            }
            try {
                pointers.put(field, JsonPointer.compile(pointer));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        keyPrefix + field + " is '" + pointer + "', not a JSON Pointer (e.g. /workEmail)");
            }
        });
        return new EntryMapping(kind, Map.copyOf(pointers));
    }

    /** The JSON Pointer configured for a field in place of the built-in mapping, if any. */
    public Optional<String> override(String field) {
        return Optional.ofNullable(overrides.get(field)).map(JsonPointer::toString);
    }

    public DirectoryEntry map(JsonNode record, String where) {
        if (record == null || !record.isObject()) {
            throw new InvalidDirectoryException(where + " is not a JSON object");
        }
        String id = text(record, "id", where);
        if (id == null || id.isBlank()) {
            throw new InvalidDirectoryException(
                    where + " has no id" + (kind == SourceKind.DATATABLE_ROWS ? " (row key)" : ""));
        }
        JsonNode attrs = value(record, "customAttributes");
        if (attrs != null && !attrs.isObject()) {
            throw new InvalidDirectoryException(where + ": customAttributes must be an object");
        }
        if (attrs != null && attrs.toString().length() > 16 * MAX_TEXT) {
            throw new InvalidDirectoryException(
                    where + ": customAttributes are larger than " + 16 * MAX_TEXT + " bytes");
        }
        return new DirectoryEntry(
                id,
                text(record, "name", where),
                text(record, "address", where),
                text(record, "email", where),
                text(record, "phone", where),
                attrs);
    }

    /** The mapped value of a field (override first, else built-in), null when absent. */
    private JsonNode value(JsonNode record, String field) {
        JsonPointer pointer = overrides.get(field);
        JsonNode v = pointer != null ? record.at(pointer) : builtIn(field).apply(record);
        return v == null || v.isMissingNode() || v.isNull() ? null : v;
    }

    private String text(JsonNode record, String field, String where) {
        JsonNode v = value(record, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new InvalidDirectoryException(where + ": " + field + " must be a string"
                    + (overrides.containsKey(field) ? " (mapped from " + overrides.get(field) + ")" : ""));
        }
        String s = v.asText();
        if (s.length() > MAX_TEXT) {
            throw new InvalidDirectoryException(where + ": " + field + " is longer than " + MAX_TEXT + " characters");
        }
        return s;
    }

    private Function<JsonNode, JsonNode> builtIn(String field) {
        return switch (kind) {
            case SEED -> r -> r.get(field);
            case USERS, GROUP_MEMBERS -> user(field);
            case QUEUE_MEMBERS ->
                switch (field) {
                    case "id", "name" -> r -> r.get(field);
                    default -> r -> user(field).apply(r.path("user"));
                };
            case EXTERNAL_CONTACTS -> contact(field);
            case DATATABLE_ROWS -> row(field);
        };
    }

    private static Function<JsonNode, JsonNode> user(String field) {
        return switch (field) {
            case "id", "name", "email" -> r -> r.get(field);
            case "phone" -> r -> firstPhone(r.path("primaryContactInfo"), r.path("addresses"));
            case "customAttributes" -> r -> pick(r, List.of("title", "department"));
            default -> r -> null;
        };
    }

    private static Function<JsonNode, JsonNode> contact(String field) {
        return switch (field) {
            case "id" -> r -> r.get("id");
            case "name" -> r -> joined(r, List.of("firstName", "lastName"), " ");
            case "email" -> r -> r.hasNonNull("workEmail") ? r.get("workEmail") : r.get("personalEmail");
            case "phone" ->
                r -> {
                    for (String p : CONTACT_PHONES) {
                        JsonNode n = number(r.path(p));
                        if (n != null) {
                            return n;
                        }
                    }
                    return null;
                };
            case "address" -> r -> joined(r.path("address"), ADDRESS_PARTS, ", ");
            case "customAttributes" -> r -> pick(r, List.of("title"));
            default -> r -> null;
        };
    }

    private static Function<JsonNode, JsonNode> row(String field) {
        return switch (field) {
            case "id" -> r -> r.get("key");
            case "customAttributes" ->
                r -> {
                    ObjectNode columns = r.deepCopy();
                    columns.remove("key");
                    return columns.isEmpty() ? null : columns;
                };
            default -> r -> null;
        };
    }

    /** A user's phone: the first PHONE contact of its primary contact info, then of its addresses (e164, else the number, else display). */
    private static JsonNode firstPhone(JsonNode... lists) {
        for (JsonNode list : lists) {
            for (JsonNode c : list) {
                // A user's contact holds the number itself in address; e164 and display where present.
                if ("PHONE".equals(c.path("mediaType").asText())) {
                    for (String f : List.of("e164", "address", "display")) {
                        JsonNode v = c.path(f);
                        if (v.isTextual() && !v.asText().isBlank()) {
                            return v;
                        }
                    }
                }
            }
        }
        return null;
    }

    /** A phone number object's {@code e164}, else its {@code display}. */
    private static JsonNode number(JsonNode phone) {
        for (String f : List.of("e164", "display")) {
            JsonNode v = phone.path(f);
            if (v.isTextual() && !v.asText().isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static JsonNode joined(JsonNode r, List<String> fields, String separator) {
        List<String> parts = new ArrayList<>();
        for (String f : fields) {
            JsonNode v = r.path(f);
            if (v.isTextual() && !v.asText().isBlank()) {
                parts.add(v.asText().trim());
            }
        }
        return parts.isEmpty() ? null : Json.mapper().getNodeFactory().textNode(String.join(separator, parts));
    }

    private static JsonNode pick(JsonNode r, List<String> fields) {
        ObjectNode picked = Json.mapper().createObjectNode();
        for (String f : fields) {
            if (r.path(f).isTextual()) {
                picked.set(f, r.get(f));
            }
        }
        return picked.isEmpty() ? null : picked;
    }
}
