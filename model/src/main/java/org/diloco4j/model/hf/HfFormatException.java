package org.diloco4j.model.hf;

import java.io.IOException;

/**
 * A file that is not a usable Hugging Face GPT-2 safetensors file: damaged, of another format, or
 * of another model shape. The message is one line that names the file's fault (the tensor, its
 * shape and the one expected, or the byte range) for the user.
 */
public final class HfFormatException extends IOException {
    public HfFormatException(String message) {
        super(message);
    }
}
