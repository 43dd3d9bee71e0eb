package io.cxbridge.sim.platform;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The seeded platform resources, a pure function of {@link SeedCounts}: the same counts give the same ids and
 * content, so a reset sim looks the same to every test and every run. Immutable once built (the JSON nodes are
 * shared by every answer and never modified).
 *
 * <p>Shapes follow the official SDK's model classes ({@code User}, {@code QueueMember}, {@code ExternalContact},
 * data-table rows as maps keyed by {@code key}). Users: every active user is in group {@code i % groups} and
 * queue {@code i % queues}; every seventh has no phone. Contacts: every fourth has no work phone (but a cell
 * phone), every fifth a home phone, every sixth no address.
 */
public final class SeedData {

    static final String DIVISION_ID = id("division", 0);
    private static final String[] DEPARTMENTS = {"Sales", "Support", "Billing", "Retention", "Onboarding"};
    private static final String[] TITLES = {
        "Agent", "Senior Agent", "Team Lead", "Specialist", "Supervisor", "Coach", "Analyst"
    };
    private static final String[] FIRST = {
        "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Liam", "Maya",
        "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara"
    };
    private static final String[] LAST = {
        "Ahmed",
        "Berg",
        "Costa",
        "Dubois",
        "Eriksen",
        "Fischer",
        "Garcia",
        "Horvat",
        "Ivanova",
        "Jensen",
        "Kowalski",
        "Lopez",
        "Moreau",
        "Novak",
        "Olsen"
    };
    private static final String[] CITIES = {"Indianapolis", "Raleigh", "Denver", "Portland", "Austin"};
    private static final String[] STATES = {"IN", "NC", "CO", "OR", "TX"};
    private static final String[] REGIONS = {"north", "south", "east", "west"};

    private final SeedCounts counts;
    private final List<ObjectNode> users;
    private final Map<String, ObjectNode> usersById;
    private final Map<String, String> groups;
    private final Map<String, List<ObjectNode>> groupMembers;
    private final Map<String, String> queues;
    private final Map<String, List<ObjectNode>> queueMembers;
    private final List<ObjectNode> contacts;
    private final Map<String, ObjectNode> contactsById;
    private final String datatableId;
    private final List<ObjectNode> rows;

    public SeedData(SeedCounts counts) {
        this.counts = counts;
        int revision = counts.revision();
        groups = new LinkedHashMap<>();
        for (int g = 0; g < counts.groups(); g++) {
            groups.put(id("group", g), "Group " + (g + 1));
        }
        queues = new LinkedHashMap<>();
        for (int q = 0; q < counts.queues(); q++) {
            queues.put(id("queue", q), "Queue " + (q + 1));
        }
        List<String> groupIds = List.copyOf(groups.keySet());
        List<String> queueIds = List.copyOf(queues.keySet());
        Map<String, List<ObjectNode>> byGroup = new HashMap<>();
        Map<String, List<ObjectNode>> byQueue = new HashMap<>();
        groupIds.forEach(g -> byGroup.put(g, new ArrayList<>()));
        queueIds.forEach(q -> byQueue.put(q, new ArrayList<>()));

        List<ObjectNode> allUsers = new ArrayList<>();
        Map<String, ObjectNode> userIndex = new HashMap<>();
        for (int i = 0; i < counts.users() + counts.inactiveUsers(); i++) {
            boolean active = i < counts.users();
            ObjectNode user = user(i, active, revision);
            allUsers.add(user);
            userIndex.put(user.get("id").textValue(), user);
            if (active && !groupIds.isEmpty()) {
                byGroup.get(groupIds.get(i % groupIds.size())).add(user);
            }
            if (active && !queueIds.isEmpty()) {
                String queueId = queueIds.get(i % queueIds.size());
                byQueue.get(queueId).add(queueMember(user));
            }
        }
        users = Collections.unmodifiableList(allUsers);
        usersById = Collections.unmodifiableMap(userIndex);
        groupMembers = Collections.unmodifiableMap(byGroup);
        queueMembers = Collections.unmodifiableMap(byQueue);

        List<ObjectNode> allContacts = new ArrayList<>();
        Map<String, ObjectNode> contactIndex = new HashMap<>();
        for (int j = 0; j < counts.contacts(); j++) {
            ObjectNode contact = contact(j, revision);
            allContacts.add(contact);
            contactIndex.put(contact.get("id").textValue(), contact);
        }
        contacts = Collections.unmodifiableList(allContacts);
        contactsById = Collections.unmodifiableMap(contactIndex);

        datatableId = id("datatable", 0);
        List<ObjectNode> allRows = new ArrayList<>();
        for (int r = 0; r < counts.datatableRows(); r++) {
            allRows.add(row(r, revision));
        }
        rows = Collections.unmodifiableList(allRows);
    }

    /** A deterministic (name-based) UUID for the n-th resource of a kind. */
    static String id(String kind, int n) {
        return UUID.nameUUIDFromBytes(("cxbridge-sim:" + kind + ":" + n).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static ObjectNode user(int i, boolean active, int revision) {
        String number = pad(i + 1, 5);
        String id = id("user", i);
        String email = (active ? "agent." : "former.agent.") + number + "@example.com";
        ObjectNode user = Json.mapper().createObjectNode();
        user.put("id", id);
        user.put("name", (active ? "Agent " : "Former Agent ") + number);
        ObjectNode division = user.putObject("division");
        division.put("id", DIVISION_ID);
        division.put("name", "Home");
        division.put("selfUri", "/api/v2/authorization/divisions/" + DIVISION_ID);
        user.putObject("chat").put("jabberId", id + "@sim.orgspan.com");
        user.put("department", DEPARTMENTS[(i + revision - 1) % DEPARTMENTS.length]);
        user.put("email", email);
        ArrayNode primary = user.putArray("primaryContactInfo");
        ObjectNode primaryEmail = primary.addObject();
        primaryEmail.put("address", email);
        primaryEmail.put("mediaType", "EMAIL");
        primaryEmail.put("type", "PRIMARY");
        ArrayNode addresses = user.putArray("addresses");
        if (i % 7 != 6) {
            String digits = pad(i % 10_000, 4);
            String e164 = "+1317555" + digits;
            ObjectNode primaryPhone = primary.addObject();
            primaryPhone.put("address", e164);
            primaryPhone.put("display", "+1 317-555-" + digits);
            primaryPhone.put("mediaType", "PHONE");
            primaryPhone.put("type", "PRIMARY");
            ObjectNode work = addresses.addObject();
            work.put("address", e164);
            work.put("display", "+1 317-555-" + digits);
            work.put("mediaType", "PHONE");
            work.put("type", "WORK");
        }
        user.put("state", active ? "active" : "inactive");
        user.put("title", TITLES[(i + revision - 1) % TITLES.length]);
        user.put("username", email);
        user.put("version", revision);
        user.put("acdAutoAnswer", false);
        user.put("selfUri", "/api/v2/users/" + id);
        return user;
    }

    private static ObjectNode queueMember(ObjectNode user) {
        ObjectNode member = Json.mapper().createObjectNode();
        member.put("id", user.get("id").textValue());
        member.put("name", user.get("name").textValue());
        member.set("user", user);
        member.put("ringNumber", 1);
        member.put("joined", true);
        member.put("memberBy", "user");
        member.put("selfUri", user.get("selfUri").textValue());
        return member;
    }

    private static ObjectNode contact(int j, int revision) {
        String id = id("contact", j);
        String first = FIRST[j % FIRST.length];
        String last = LAST[(j / FIRST.length) % LAST.length];
        ObjectNode contact = Json.mapper().createObjectNode();
        contact.put("id", id);
        contact.put("firstName", first);
        contact.put("lastName", last);
        contact.put("title", TITLES[(j + revision - 1) % TITLES.length]);
        String digits = pad(j % 10_000, 4);
        if (j % 4 != 3) {
            contact.set("workPhone", phone("+1463555" + digits, "+1 463-555-" + digits));
        }
        if (j % 4 == 3 || j % 3 == 0) {
            contact.set("cellPhone", phone("+1463666" + digits, "+1 463-666-" + digits));
        }
        if (j % 5 == 0) {
            contact.set("homePhone", phone("+1463777" + digits, "+1 463-777-" + digits));
        }
        contact.put(
                "workEmail",
                first.toLowerCase(java.util.Locale.ROOT) + "." + last.toLowerCase(java.util.Locale.ROOT) + "." + (j + 1)
                        + "@example.org");
        if (j % 6 != 5) {
            ObjectNode address = contact.putObject("address");
            address.put("address1", (100 + j) + " Main Street");
            address.put("city", CITIES[j % CITIES.length]);
            address.put("state", STATES[j % STATES.length]);
            address.put("postalCode", pad(46_000 + j % 1000, 5));
            address.put("countryCode", "US");
        }
        contact.put("modifyDate", "2025-" + pad(Math.min(12, revision), 2) + "-01T00:00:00.000Z");
        contact.put("createDate", "2025-01-01T00:00:00.000Z");
        contact.put("type", "Curated");
        contact.put("selfUri", "/api/v2/externalcontacts/contacts/" + id);
        return contact;
    }

    /** {@code value} with leading zeros to {@code width} digits (String.format is slow for 100,000 records). */
    static String pad(int value, int width) {
        String digits = Integer.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    private static ObjectNode phone(String e164, String display) {
        ObjectNode phone = Json.mapper().createObjectNode();
        phone.put("display", display);
        phone.put("e164", e164);
        phone.put("countryCode", "US");
        return phone;
    }

    private static ObjectNode row(int r, int revision) {
        ObjectNode row = Json.mapper().createObjectNode();
        row.put("key", "row-" + pad(r + 1, 5));
        row.put("name", "Entry " + (r + 1));
        row.put("region", REGIONS[r % REGIONS.length]);
        row.put("priority", (r + revision - 1) % 5 + 1);
        row.put("active", r % 9 != 8);
        return row;
    }

    public SeedCounts counts() {
        return counts;
    }

    /** Every user, active ones first, in listing order. */
    public List<ObjectNode> users() {
        return users;
    }

    public ObjectNode user(String id) {
        return usersById.get(id);
    }

    /** Group id to name, in seed order. */
    public Map<String, String> groups() {
        return groups;
    }

    /** The members of a group (users), null for an unknown group. */
    public List<ObjectNode> groupMembers(String groupId) {
        return groupMembers.get(groupId);
    }

    public Map<String, String> queues() {
        return queues;
    }

    /** The members of a queue ({@code QueueMember}), null for an unknown queue. */
    public List<ObjectNode> queueMembers(String queueId) {
        return queueMembers.get(queueId);
    }

    public List<ObjectNode> contacts() {
        return contacts;
    }

    public ObjectNode contact(String id) {
        return contactsById.get(id);
    }

    public String datatableId() {
        return datatableId;
    }

    /** The rows of a data table (keyed by {@code key}), null for an unknown table. */
    public List<ObjectNode> rows(String id) {
        return datatableId.equals(id) ? rows : null;
    }
}
