package io.cxbridge.directory.source;

import io.netty.handler.codec.http.QueryStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where one directory is read from and how its records become entries. {@code upstreamId} is the group, queue
 * or data table id (kinds that need one); {@code q} an optional external-contacts search; {@code ttlClass} the
 * TTL class (the directory id unless configured).
 */
public record DirectorySource(
        String directoryId,
        SourceKind kind,
        String upstreamId,
        String state,
        String q,
        String ttlClass,
        int pageSize,
        EntryMapping mapping,
        String seedPath) {

    /** The platform's search endpoint serves at most {@code pageNumber * pageSize} = 1,000 contacts. */
    public static final int CONTACT_SEARCH_LIMIT = 1000;

    /** The path and query of the listing's first page. */
    public String firstPage() {
        QueryStringEncoder q = switch (kind) {
            case USERS -> numbered("/api/v2/users").addParam0("state", state);
            case GROUP_MEMBERS -> numbered(path("/api/v2/groups/{id}/members", upstreamId));
            case QUEUE_MEMBERS -> numbered(path("/api/v2/routing/queues/{id}/members", upstreamId));
            case EXTERNAL_CONTACTS ->
                this.q == null
                        ? new Encoder("/api/v2/externalcontacts/scan/contacts")
                                .addParam0("limit", String.valueOf(pageSize))
                        : numbered("/api/v2/externalcontacts/contacts").addParam0("q", this.q);
            case DATATABLE_ROWS ->
                numbered(path("/api/v2/flows/datatables/{id}/rows", upstreamId)).addParam0("showbrief", "false");
            case SEED -> numbered(path(seedPath, directoryId));
        };
        return q.toString();
    }

    /** The most records this source can serve: the contacts search stops at 1,000. */
    public int maxEntities(int configured) {
        return kind == SourceKind.EXTERNAL_CONTACTS && q != null
                ? Math.min(configured, CONTACT_SEARCH_LIMIT)
                : configured;
    }

    private Encoder numbered(String path) {
        return new Encoder(path).addParam0("pageSize", String.valueOf(pageSize)).addParam0("pageNumber", "1");
    }

    /** One path segment filled in, percent-encoded (an id never changes the path's shape). */
    private static String path(String template, String id) {
        return template.replace(
                "{id}", URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** A query builder that chains. */
    private static final class Encoder extends QueryStringEncoder {
        Encoder(String path) {
            super(path);
        }

        Encoder addParam0(String name, String value) {
            addParam(name, value);
            return this;
        }
    }
}
