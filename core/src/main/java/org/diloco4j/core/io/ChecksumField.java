package org.diloco4j.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Where a checkpoint header's checksum is: the value of {@code __metadata__.crc32c}, found by
 * parsing the header as JSON (not by searching its spelling), with the byte offset of its 8 digits
 * in the header so that the checksum can be computed with them read as {@code 00000000}.
 *
 * @param at     offset of the first digit in the header
 * @param digits the 8 hex digits as they stand
 */
record ChecksumField(int at, String digits) {
    static final String KEY = "crc32c";
    /** What the digits count as while the checksum is computed: a file cannot hold its own CRC. */
    static final byte[] BLANK = "00000000".getBytes(StandardCharsets.US_ASCII);
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The checksum field of {@code header[0, length)}, or null unless {@code __metadata__} holds
     * exactly one {@code crc32c}, a string of 8 characters spelled without escapes.
     */
    static ChecksumField locate(byte[] header, int length) {
        try (JsonParser p = JSON.createParser(header, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            ChecksumField found = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean metadata = p.currentName().equals("__metadata__");
                JsonToken value = p.nextToken();
                if (!metadata || value != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    boolean crc = p.currentName().equals(KEY);
                    JsonToken v = p.nextToken();
                    if (!crc) {
                        p.skipChildren();
                        continue;
                    }
                    if (found != null || v != JsonToken.VALUE_STRING) return null;
                    // The token starts at its opening quote; the digits must stand there as they read.
                    long quote = p.currentTokenLocation().getByteOffset();
                    String digits = p.getText();
                    if (quote < 0 || quote + 1 + BLANK.length >= length || digits.length() != BLANK.length) return null;
                    int at = (int) quote + 1;
                    if (!new String(header, at, BLANK.length, StandardCharsets.US_ASCII).equals(digits) || header[at + BLANK.length] != '"') return null;
                    found = new ChecksumField(at, digits);
                }
            }
            return found;
        } catch (IOException e) {
            return null;
        }
    }
}
