package io.cxbridge.directory.entry;

import com.fasterxml.jackson.databind.JsonNode;

/** One routing directory entry as Genesys sends it (and as clients get it). */
public record DirectoryEntry(
        String id, String name, String address, String email, String phone, JsonNode customAttributes) {}
