package dev.kapal.api.codec;

import static dev.kapal.api.codec.ProtobufCodecTest.envelope;
import static dev.kapal.api.codec.ProtobufCodecTest.intOrString;
import static dev.kapal.api.codec.ProtobufCodecTest.kubectlMeta;
import static dev.kapal.api.codec.ProtobufCodecTest.quantity;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kapal.api.ApiException;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Hostile bodies: whatever arrives, the codec answers with an object or a 400/415, never a crash. */
class ProtobufCodecFuzzTest {
    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

    /** Valid bodies to truncate and corrupt; they cover maps, bytes, IntOrString, Quantity, Time. */
    private static final List<byte[]> VALID = List.of(
            envelope("v1", "Secret", V1.Secret.newBuilder().setMetadata(kubectlMeta("s"))
                    .putData("k", ByteString.copyFromUtf8("v")).setType("Opaque").build()),
            envelope("apps/v1", "Deployment", V1Apps.Deployment.newBuilder()
                    .setMetadata(kubectlMeta("d").setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1)))
                    .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(2)
                            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setRollingUpdate(
                                    V1Apps.RollingUpdateDeployment.newBuilder().setMaxSurge(intOrString("25%"))))
                            .setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder()
                                    .addContainers(V1.Container.newBuilder().setName("c").setImage("i")
                                            .setResources(V1.ResourceRequirements.newBuilder()
                                                    .putLimits("cpu", quantity("1")))))))
                    .build()),
            envelope("v1", "Event", V1.Event.newBuilder().setMetadata(kubectlMeta("e")
                            .addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setFieldsV1(
                                    Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"a\":[1,2]}")))))
                    .setEventTime(Meta.MicroTime.newBuilder().setSeconds(5).setNanos(7)).build()));

    @Property(tries = 2000)
    void randomBytesAreRefusedCleanly(@ForAll @Size(max = 200) byte[] body) {
        assertOnlyApiExceptions(body);
    }

    @Property(tries = 2000)
    void randomBytesAfterTheMagicAreRefusedCleanly(@ForAll @Size(max = 200) byte[] rest) {
        assertOnlyApiExceptions(concat(MAGIC, rest));
    }

    @Property(tries = 1000)
    void randomRawObjectsAreRefusedCleanly(@ForAll("kinds") String kind, @ForAll @Size(max = 200) byte[] raw) {
        String[] gvk = kind.split(" ");
        assertOnlyApiExceptions(envelope(gvk[0], gvk[1], ByteString.copyFrom(raw)));
    }

    @Property(tries = 1000)
    void truncatedBodiesAreRefusedCleanly(@ForAll @IntRange(max = 2) int which, @ForAll @IntRange(max = 10_000) int cut) {
        byte[] body = VALID.get(which);
        assertOnlyApiExceptions(Arrays.copyOf(body, cut % body.length));
    }

    @Property(tries = 3000)
    void corruptedBodiesAreRefusedCleanly(@ForAll @IntRange(max = 2) int which,
                                          @ForAll @IntRange(max = 10_000) int position, @ForAll byte value) {
        byte[] body = VALID.get(which).clone();
        body[MAGIC.length + position % (body.length - MAGIC.length)] = value;
        assertOnlyApiExceptions(body);
    }

    @Provide
    Arbitrary<String> kinds() {
        return Arbitraries.of("v1 Pod", "v1 Secret", "apps/v1 Deployment", "v1 Event", "meta.k8s.io/v1 DeleteOptions",
                "policy/v1 Eviction", "autoscaling/v2 HorizontalPodAutoscaler", "v1 Service");
    }

    private static void assertOnlyApiExceptions(byte[] body) {
        try {
            assertThat(ProtobufCodec.decode(body).get("kind").isTextual()).isTrue();
        } catch (ApiException e) {
            assertThat(e.code()).isIn(400, 415);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
