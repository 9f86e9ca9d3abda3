package org.diloco4j.app.distributed;

import org.diloco4j.app.failure.UserError;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Tries the coordinator's address before a run is set up for it, so that a port in use or an
 * address this machine does not have is one line, not a run directory left behind.
 */
final class PortProbe {
    private PortProbe() {
    }

    static void requireFree(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw UserError.usage("--bind " + host + " is not an address of this machine", "give one of its addresses, or 0.0.0.0 for all");
        }
        if (port == 0) return;
        IOException failure = bind(address);
        if (failure == null) return;
        if (bind(new InetSocketAddress(host, 0)) != null) {
            throw UserError.usage("cannot listen on " + host + " (" + failure.getMessage() + ")",
                    "give --bind an address of this machine, or 0.0.0.0 for all");
        }
        throw UserError.failed("cannot listen on " + host + ":" + port + " (" + failure.getMessage() + ")",
                "stop the process that holds the port, or choose another --port", failure);
    }

    private static IOException bind(InetSocketAddress address) {
        try (ServerSocket s = new ServerSocket()) {
            // As the server binds: a port a killed coordinator left in TIME_WAIT is free, one with a listener is not.
            s.setReuseAddress(true);
            s.bind(address);
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}
