package dev.kapal.apiserver.kinds;

import static dev.kapal.apiserver.kinds.Objects.create;
import static dev.kapal.apiserver.kinds.Objects.update;
import static dev.kapal.apiserver.kinds.Objects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapal.api.StatusCause;
import dev.kapal.apiserver.registry.Strategy;
import org.junit.jupiter.api.Test;

class WorkloadStrategyTest {
    private final Strategy deployments = Objects.strategy("apps/v1", "deployments");
    private final Strategy jobs = Objects.strategy("batch/v1", "jobs");

    private static ObjectNode deployment() {
        return yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - {name: nginx, image: "nginx:1.27"}
                """);
    }

    @Test
    void aMinimalDeploymentIsDefaultedAsKubernetesShowsIt() {
        ObjectNode deployment = deployment();
        assertThat(create(deployments, deployment)).isEmpty();
        assertThat(deployment.get("spec")).isEqualTo(yaml("""
                progressDeadlineSeconds: 600
                replicas: 1
                revisionHistoryLimit: 10
                selector: {matchLabels: {app: web}}
                strategy:
                  rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
                  type: RollingUpdate
                template:
                  metadata: {labels: {app: web}}
                  spec:
                    containers:
                    - image: "nginx:1.27"
                      imagePullPolicy: IfNotPresent
                      name: nginx
                      resources: {}
                      terminationMessagePath: /dev/termination-log
                      terminationMessagePolicy: File
                    dnsPolicy: ClusterFirst
                    restartPolicy: Always
                    schedulerName: default-scheduler
                    securityContext: {}
                    terminationGracePeriodSeconds: 30
                """));
        assertThat(deployments.tracksGeneration()).isTrue();
    }

    @Test
    void theSelectorMustMatchTheTemplate() {
        ObjectNode deployment = deployment();
        ((ObjectNode) deployment.at("/spec/template/metadata/labels")).put("app", "other");
        assertThat(create(deployments, deployment)).extracting(StatusCause::describe).containsExactly(
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: "
                        + "`selector` does not match template `labels`");

        ObjectNode noSelector = deployment();
        ((ObjectNode) noSelector.get("spec")).remove("selector");
        assertThat(create(deployments, noSelector)).extracting(StatusCause::describe)
                .containsExactly("spec.selector: Required value");
    }

    @Test
    void replicasMayNotBeNegativeAndPodsMustRestartAlways() {
        ObjectNode deployment = deployment();
        ((ObjectNode) deployment.get("spec")).put("replicas", -1);
        ((ObjectNode) deployment.at("/spec/template/spec")).put("restartPolicy", "Never");
        assertThat(create(deployments, deployment)).extracting(StatusCause::describe).containsExactlyInAnyOrder(
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
    }

    @Test
    void theSelectorIsImmutable() {
        ObjectNode old = deployment();
        create(deployments, old);
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.at("/spec/selector/matchLabels")).put("tier", "front");
        ((ObjectNode) changed.at("/spec/template/metadata/labels")).put("tier", "front");
        assertThat(update(deployments, changed, old)).extracting(StatusCause::field, StatusCause::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.selector", "FieldValueInvalid"));
        assertThat(update(deployments, changed, old).get(0).message()).endsWith(": field is immutable");

        ObjectNode scaled = old.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 3);
        assertThat(update(deployments, scaled, old)).isEmpty();
    }

    @Test
    void statefulSetsDaemonSetsAndReplicaSetsGetTheirDefaults() {
        ObjectNode sts = deployment();
        sts.put("kind", "StatefulSet");
        ((ObjectNode) sts.get("spec")).put("serviceName", "web").putArray("volumeClaimTemplates").addObject()
                .putObject("metadata").put("name", "data");
        assertThat(create(Objects.strategy("apps/v1", "statefulsets"), sts)).isEmpty();
        assertThat(sts.at("/spec/podManagementPolicy").asText()).isEqualTo("OrderedReady");
        assertThat(sts.at("/spec/updateStrategy")).isEqualTo(yaml("{type: RollingUpdate, rollingUpdate: {partition: 0}}"));
        assertThat(sts.at("/spec/persistentVolumeClaimRetentionPolicy"))
                .isEqualTo(yaml("{whenDeleted: Retain, whenScaled: Retain}"));
        assertThat(sts.at("/spec/volumeClaimTemplates/0/spec/volumeMode").asText()).isEqualTo("Filesystem");
        assertThat(sts.at("/spec/volumeClaimTemplates/0/status/phase").asText()).isEqualTo("Pending");

        ObjectNode changedService = sts.deepCopy();
        ((ObjectNode) changedService.get("spec")).put("serviceName", "other");
        assertThat(update(Objects.strategy("apps/v1", "statefulsets"), changedService, sts))
                .extracting(StatusCause::field).containsExactly("spec");

        ObjectNode ds = deployment();
        ((ObjectNode) ds.get("spec")).remove("replicas");
        create(Objects.strategy("apps/v1", "daemonsets"), ds);
        assertThat(ds.at("/spec/updateStrategy"))
                .isEqualTo(yaml("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}"));
        assertThat(ds.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);

        ObjectNode rs = deployment();
        create(Objects.strategy("apps/v1", "replicasets"), rs);
        assertThat(rs.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(rs.has("strategy")).isFalse();
    }

    @Test
    void replicationControllersTakeSelectorAndLabelsFromTheTemplate() {
        Strategy rcs = Objects.strategy("v1", "replicationcontrollers");
        ObjectNode rc = yaml("""
                metadata: {name: rc}
                spec:
                  template:
                    metadata: {labels: {app: rc}}
                    spec: {containers: [{name: a, image: a}]}
                """);
        assertThat(create(rcs, rc)).isEmpty();
        assertThat(rc.at("/spec/selector")).isEqualTo(yaml("{app: rc}"));
        assertThat(rc.at("/metadata/labels")).isEqualTo(yaml("{app: rc}"));
        assertThat(rc.at("/spec/replicas").asInt()).isEqualTo(1);
    }

    @Test
    void jobsGetAGeneratedSelectorFromTheirUid() {
        ObjectNode job = yaml("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: pi, namespace: default, uid: 1234-abcd}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: pi, image: perl}]
                """);
        assertThat(create(jobs, job)).isEmpty();
        assertThat(job.at("/spec/selector")).isEqualTo(yaml("{matchLabels: {batch.kubernetes.io/controller-uid: 1234-abcd}}"));
        assertThat(job.at("/spec/template/metadata/labels")).isEqualTo(yaml("""
                batch.kubernetes.io/controller-uid: 1234-abcd
                batch.kubernetes.io/job-name: pi
                controller-uid: 1234-abcd
                job-name: pi
                """));
        assertThat(job.at("/spec/completions").asInt()).isEqualTo(1);
        assertThat(job.at("/spec/parallelism").asInt()).isEqualTo(1);
        assertThat(job.at("/spec/backoffLimit").asInt()).isEqualTo(6);
        assertThat(job.at("/spec/completionMode").asText()).isEqualTo("NonIndexed");
        assertThat(job.at("/spec/suspend").asBoolean(true)).isFalse();
        assertThat(job.at("/spec/podReplacementPolicy").asText()).isEqualTo("TerminatingOrFailed");
        assertThat(job.at("/spec").has("manualSelector")).isFalse();
    }

    @Test
    void jobPodsMayNotRestartAlways() {
        ObjectNode job = yaml("""
                metadata: {name: pi, uid: u}
                spec:
                  template:
                    spec:
                      containers: [{name: pi, image: perl}]
                """);
        assertThat(create(jobs, job)).extracting(StatusCause::describe).containsExactly(
                "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
    }

    @Test
    void cronJobsGetTheirDefaultsAndNeedASchedule() {
        Strategy cronJobs = Objects.strategy("batch/v1", "cronjobs");
        ObjectNode cronJob = yaml("""
                metadata: {name: hello}
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers: [{name: hello, image: busybox}]
                """);
        assertThat(create(cronJobs, cronJob)).extracting(StatusCause::describe)
                .containsExactly("spec.schedule: Required value");
        assertThat(cronJob.at("/spec/concurrencyPolicy").asText()).isEqualTo("Allow");
        assertThat(cronJob.at("/spec/successfulJobsHistoryLimit").asInt()).isEqualTo(3);
        assertThat(cronJob.at("/spec/failedJobsHistoryLimit").asInt()).isEqualTo(1);
        assertThat(cronJob.at("/spec/suspend").isBoolean()).isTrue();
        assertThat(cronJob.at("/spec/jobTemplate/spec/template/spec/dnsPolicy").asText()).isEqualTo("ClusterFirst");
    }
}
