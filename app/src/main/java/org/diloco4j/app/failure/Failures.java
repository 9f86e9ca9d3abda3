package org.diloco4j.app.failure;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.report.RunFormatException;
import org.diloco4j.core.codec.CodecException;
import org.diloco4j.core.io.CheckpointException;
import org.diloco4j.core.optim.StateFormatException;
import org.diloco4j.model.data.DataException;

import java.io.IOException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Which exceptions a user can cause, and the one line each becomes. Anything not recognised here is
 * a bug: it is reported with its stack trace written to a file.
 */
public final class Failures {
    private Failures() {
    }

    /** The user-facing form of {@code t}, or empty if it is a bug. */
    public static Optional<UserError> classify(Throwable t) {
        List<Throwable> chain = chain(t);
        // A message written for the user wins, however deep it was wrapped.
        for (Throwable c : chain) {
            Optional<UserError> meant = intended(c);
            if (meant.isPresent()) return meant;
        }
        // Then the most specific system failure, from the root cause outwards.
        List<Throwable> inward = new ArrayList<>(chain);
        Collections.reverse(inward);
        for (Throwable c : inward) {
            Optional<UserError> known = system(c, t);
            if (known.isPresent()) return known;
        }
        for (Throwable c : chain) {
            if (c instanceof IOException io) {
                return Optional.of(UserError.failed("I/O error: " + describe(io), "check the disk and the paths involved", t));
            }
        }
        return Optional.empty();
    }

    private static Optional<UserError> intended(Throwable c) {
        return Optional.ofNullable(switch (c) {
            case UserError u -> u;
            case ConfigException e -> new UserError(ExitCode.USAGE, oneLine(e.getMessage()), "", e);
            case DataException e -> new UserError(ExitCode.USAGE, oneLine(e.getMessage()), "", e);
            case RunFormatException e -> UserError.failed(oneLine(e.getMessage()),
                    "the file is damaged or was not written by diloco4j (docs/run-directory.md)", e);
            default -> null;
        });
    }

    private static Optional<UserError> system(Throwable c, Throwable top) {
        return Optional.ofNullable(switch (c) {
            case NoSuchFileException e -> new UserError(ExitCode.USAGE, e.getFile() + " does not exist", "check the path", top);
            case NotDirectoryException e -> new UserError(ExitCode.USAGE, e.getFile() + " is not a folder", "check the path", top);
            case FileAlreadyExistsException e -> new UserError(ExitCode.USAGE, e.getFile() + " already exists", "choose another path", top);
            case AccessDeniedException e -> UserError.failed("permission denied: " + e.getFile(),
                    "check its permissions, or choose another location", top);
            case FileSystemException e -> UserError.failed(describe(e), "check the disk (free space, permissions)", top);
            case BindException e -> UserError.failed("cannot listen: " + oneLine(e.getMessage()),
                    "stop the process that holds the port, or choose another --port", top);
            case UnknownHostException e -> new UserError(ExitCode.USAGE, "unknown host " + oneLine(e.getMessage()), "check the address", top);
            // Its message names the file and the damage; wherever it surfaces (resume, eval, sample) it is one line, not a bug.
            case CheckpointException e -> UserError.failed(oneLine(e.getMessage()), "restore the file from a copy, or start a new run", top);
            case StateFormatException e -> UserError.failed("saved state is damaged: " + oneLine(e.getMessage()),
                    "restore the file from a copy, or start a new run", top);
            case CodecException e -> UserError.failed("saved or received data is damaged: " + oneLine(e.getMessage()),
                    "restore the file from a copy, or start a new run", top);
            case OutOfMemoryError e -> UserError.failed("the JVM ran out of memory (" + oneLine(e.getMessage()) + ")",
                    "give it more with DILOCO_JAVA_OPTS=-Xmx8g, or shrink model.d_model, model.layers or train.batch", top);
            default -> null;
        });
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getReason() != null ? ": " + f.getReason() : "");
        }
        return oneLine(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }

    private static List<Throwable> chain(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) out.add(c);
        return out;
    }

    /** Messages of foreign exceptions may span lines; the report is one. */
    public static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
