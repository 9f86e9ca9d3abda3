package org.diloco4j.sim;

/**
 * A simulated worker: its device, its link to the coordinator and the data shard it holds.
 *
 * @param shard the shard index this worker brings, or -1 for "assigned by the coordinator"
 */
public record WorkerSpec(String name, DeviceProfile device, LinkProfile link, int shard) {
    public WorkerSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("worker name is empty");
        if (device == null || link == null) throw new IllegalArgumentException("worker " + name + " needs a device and a link");
    }
}
