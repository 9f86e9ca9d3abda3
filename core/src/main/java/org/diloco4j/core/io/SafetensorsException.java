package org.diloco4j.core.io;

import java.io.IOException;

/**
 * A file that is not a well-formed safetensors file (truncated, damaged, or of another format). The
 * message is one line that names the file and its fault (the tensor, the byte range) for the user.
 */
public class SafetensorsException extends IOException {
    public SafetensorsException(String message) {
        super(message);
    }
}
