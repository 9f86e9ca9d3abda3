package org.diloco4j.net.wire;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.diloco4j.net.proto.RunSpec;
import org.diloco4j.net.proto.ThetaRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sizes of a run on the wire went from int32 to int64 (RunSpec.model_size, FragmentSpec.starts
 * and lengths, ThetaRef.floats). Protobuf's guide to updating a message type says int32, uint32,
 * int64, uint64 and bool are all compatible: both are varints (packed repeated ones a
 * length-delimited run of varints), and a non-negative value below 2^31 is the same varint either
 * way. This pins it for this schema: the old shape is today's descriptor with those four fields
 * set back to int32, and a message written under either parses under the other, byte for byte the
 * same, for values up to 2^31 − 1 (the 5-byte varints included).
 */
class RunSpecWireCompatibilityTest {
    /** The fields widened from int32 to int64, as message.field. */
    static final Set<String> WIDENED = Set.of("RunSpec.model_size", "FragmentSpec.starts", "FragmentSpec.lengths", "ThetaRef.floats");

    /** The schema as it was: diloco.proto with the widened fields int32 again. */
    static FileDescriptor oldSchema() throws DescriptorValidationException {
        FileDescriptor now = RunSpec.getDescriptor().getFile();
        FileDescriptorProto.Builder f = now.toProto().toBuilder();
        int flipped = 0;
        for (DescriptorProto.Builder m : f.getMessageTypeBuilderList()) {
            for (FieldDescriptorProto.Builder fd : m.getFieldBuilderList()) {
                if (!WIDENED.contains(m.getName() + "." + fd.getName())) continue;
                assertThat(fd.getType()).as(m.getName() + "." + fd.getName() + " today").isEqualTo(FieldDescriptorProto.Type.TYPE_INT64);
                fd.setType(FieldDescriptorProto.Type.TYPE_INT32);
                flipped++;
            }
        }
        assertThat(flipped).as("every widened field found").isEqualTo(WIDENED.size());
        return FileDescriptor.buildFrom(f.build(), now.getDependencies().toArray(FileDescriptor[]::new));
    }

    /**
     * A streaming run whose sizes take every varint length up to 5 bytes: fragment 0 is [0, 127) and
     * [2^31 − 2^20, 2^31 − 1), fragment 1 the values between; the model 2^31 − 1 values (the int32 maximum).
     */
    static RunDefinition nearTheInt32Limit() {
        long n = Integer.MAX_VALUE;
        long tail = 1L << 20;
        FragmentPlan plan = new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, 127), new Range(n - tail, tail))),
                new Fragment(1, List.of(new Range(127, n - tail - 127)))), List.of("head+tail", "middle"), n);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(10).overlap(1).upCodec("int8").downCodec("bf16").build();
        return RunDefinition.of("[model]\nlayers = 2\n", cc, plan, 4096);
    }

    @Test
    void aRunSpecWrittenUnderTheNewSchemaReadsUnderTheOldAndIsTheSameBytes() throws Exception {
        Descriptor old = oldSchema().findMessageTypeByName("RunSpec");
        RunDefinition d = nearTheInt32Limit();
        byte[] now = RunSpecs.toProto(d).toByteArray();

        DynamicMessage read = DynamicMessage.parseFrom(old, now);
        assertThat(read.getUnknownFields().asMap()).as("nothing the old shape did not understand").isEmpty();
        assertThat(read.getField(old.findFieldByName("model_size"))).isEqualTo(Integer.MAX_VALUE);
        DynamicMessage f0 = (DynamicMessage) read.getRepeatedField(old.findFieldByName("fragments"), 0);
        FieldDescriptor starts = f0.getDescriptorForType().findFieldByName("starts");
        FieldDescriptor lengths = f0.getDescriptorForType().findFieldByName("lengths");
        assertThat(f0.getField(starts)).isEqualTo(List.of(0, Integer.MAX_VALUE - (1 << 20)));
        assertThat(f0.getField(lengths)).isEqualTo(List.of(127, 1 << 20));
        assertThat(read.toByteArray()).as("the old shape writes the same bytes back").isEqualTo(now);
    }

    @Test
    void aRunSpecWrittenUnderTheOldSchemaReadsUnderTheNew() throws Exception {
        FileDescriptor schema = oldSchema();
        Descriptor old = schema.findMessageTypeByName("RunSpec");
        Descriptor oldFragment = schema.findMessageTypeByName("FragmentSpec");
        RunDefinition d = nearTheInt32Limit();
        // Written field by field as an old coordinator would, from int values.
        DynamicMessage.Builder b = DynamicMessage.newBuilder(old);
        b.setField(old.findFieldByName("config_toml"), d.configToml());
        b.setField(old.findFieldByName("method"), d.method().id());
        b.setField(old.findFieldByName("model_size"), Math.toIntExact(d.modelSize()));
        for (int p = 0; p < d.plan().count(); p++) {
            DynamicMessage.Builder f = DynamicMessage.newBuilder(oldFragment);
            f.setField(oldFragment.findFieldByName("label"), d.plan().label(p));
            for (Range r : d.plan().fragment(p).ranges()) {
                f.addRepeatedField(oldFragment.findFieldByName("starts"), Math.toIntExact(r.start()));
                f.addRepeatedField(oldFragment.findFieldByName("lengths"), Math.toIntExact(r.length()));
            }
            b.addRepeatedField(old.findFieldByName("fragments"), f.build());
        }
        for (String c : d.upCodec()) b.addRepeatedField(old.findFieldByName("up_codec"), c);
        b.setField(old.findFieldByName("down_codec"), d.downCodec());
        b.setField(old.findFieldByName("inner_steps"), d.innerSteps());
        b.setField(old.findFieldByName("overlap"), d.overlap());
        b.setField(old.findFieldByName("chunk_bytes"), d.chunkBytes());
        byte[] then = b.build().toByteArray();

        RunSpec parsed = RunSpec.parseFrom(then);
        assertThat(parsed.getUnknownFields().asMap()).isEmpty();
        assertThat(RunSpecs.fromProto(parsed)).isEqualTo(d);
        assertThat(RunSpecs.toProto(d).toByteArray()).as("and the new schema writes those very bytes").isEqualTo(then);
    }

    @Test
    void aThetaRefsFloatsReadTheSameEitherWay() throws Exception {
        Descriptor old = oldSchema().findMessageTypeByName("ThetaRef");
        ThetaRef now = ThetaRef.newBuilder().setId(3).setFragment(-1).setVersion(7).setFloats(Integer.MAX_VALUE - 8).setEncodedBytes(1L << 32)
                .setCodec("bf16").build();
        DynamicMessage then = DynamicMessage.parseFrom(old, now.toByteArray());
        assertThat(then.getField(old.findFieldByName("floats"))).isEqualTo(Integer.MAX_VALUE - 8);
        assertThat(then.getField(old.findFieldByName("fragment"))).isEqualTo(-1);
        assertThat(ThetaRef.parseFrom(then.toByteArray())).isEqualTo(now);
    }

    /** What int64 buys: a 70B plan's offsets and size go through the wire and back; an int32 reader would not see them. */
    @Test
    void sizesBeyondInt32TravelUnderTheNewSchema() throws InvalidProtocolBufferException, DescriptorValidationException {
        long n = 70_000_000_000L;
        FragmentPlan plan = new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, n / 2))), new Fragment(1, List.of(new Range(n / 2, n / 2)))),
                List.of("a", "b"), n);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(10).overlap(1).build();
        RunDefinition d = RunDefinition.of("", cc, plan, 4096);
        RunSpec wire = RunSpecs.toProto(d);
        assertThat(wire.getModelSize()).isEqualTo(n);
        assertThat(RunSpecs.fromProto(RunSpec.parseFrom(wire.toByteArray()))).isEqualTo(d);
        Descriptor old = oldSchema().findMessageTypeByName("RunSpec");
        assertThat(DynamicMessage.parseFrom(old, wire.toByteArray()).getField(old.findFieldByName("model_size"))).as("truncated to 32 bits")
                .isEqualTo((int) n);
    }
}
