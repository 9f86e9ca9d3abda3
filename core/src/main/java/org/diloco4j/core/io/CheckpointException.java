package org.diloco4j.core.io;

import java.io.IOException;

/** A checkpoint that cannot be read: one line naming the file and what is wrong with it, for the user. */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }
}
