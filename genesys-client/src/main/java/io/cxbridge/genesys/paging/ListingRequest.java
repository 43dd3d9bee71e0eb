package io.cxbridge.genesys.paging;

/**
 * One listing to read whole: {@code what} names it in messages and logs (e.g. "directory agents"),
 * {@code firstPage} is the path and query of its first page relative to the API base, {@code idPointer} a JSON
 * Pointer to an entity's identity ({@code /id}, {@code /key}) used to drop entities seen twice.
 */
public record ListingRequest(String what, String firstPage, String idPointer, PageLimits limits) {

    public ListingRequest {
        if (firstPage == null || !firstPage.startsWith("/")) {
            throw new IllegalArgumentException(
                    "a listing's first page is a path relative to the API base, was " + firstPage);
        }
    }
}
