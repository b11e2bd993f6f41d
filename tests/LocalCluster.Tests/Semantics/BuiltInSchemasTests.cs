using System.Text.Json.Nodes;
using k8s.Models;
using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// Strict field validation of built-in kinds from KubernetesClient's models. Paths follow the strict decoder of
/// sigs.k8s.io/json (kubernetes_patch_test.go "nested unknowns": map entries joined with dots, list items indexed),
/// which the server reports as <c>unknown field "spec.containers[0].foo"</c>.
/// </summary>
public sealed class BuiltInSchemasTests
{
    [Fact]
    public void UnknownFields_OfAValidPod_AreNone()
    {
        var pod = Object("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"x"},"annotations":{"a/b":"c"},
              "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"c","uid":"u","controller":true}],
              "managedFields":[{"manager":"kubectl","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{}}}}]},
             "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80}],"env":[{"name":"A","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}],
                "resources":{"limits":{"cpu":"500m","memory":"1Gi"}},"livenessProbe":{"httpGet":{"path":"/","port":"http"}}}],
               "volumes":[{"name":"v","projected":{"sources":[{"serviceAccountToken":{"path":"token"}}]}}],
               "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchFields":[{"key":"metadata.name","operator":"In","values":["n1"]}]}]}}}},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2024-01-01T00:00:00Z"}]}}
            """);

        Assert.Empty(BuiltInSchemas.UnknownFields(typeof(V1Pod), pod));
    }

    [Fact]
    public void UnknownFields_AtEveryDepth_AreReportedWithTheirPathsInDocumentOrder()
    {
        var pod = Object("""
            {"apiVersion":"v1","kind":"Pod","bogus":1,"metadata":{"name":"p","labelz":{},"ownerReferences":[{"uid":"u","owner":true}]},
             "spec":{"containers":[{"name":"c","image":"i","foo":1,"ports":[{"containerPort":80,"hostPortt":1}]},{"name":"d","env":[{"name":"A","valu":"x"}]}],
               "nodeSelector":{"any-key":"is fine"},"securityContext":{"runAsUser":1,"extra":{"deep":true}}},
             "status":{"unknownStatus":true}}
            """);

        Assert.Equal(
        [
            ".bogus",
            ".metadata.labelz",
            ".metadata.ownerReferences[0].owner",
            ".spec.containers[0].foo",
            ".spec.containers[0].ports[0].hostPortt",
            ".spec.containers[1].env[0].valu",
            ".spec.securityContext.extra",
            ".status.unknownStatus",
        ], BuiltInSchemas.UnknownFields(typeof(V1Pod), pod));
    }

    [Fact]
    public void UnknownFields_InsideMapValues_UseDotsForTheKeys()
    {
        var crd = Object("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"a.b.io"},
             "spec":{"group":"b.io","names":{"kind":"A","plural":"a"},"scope":"Namespaced",
               "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
                 "properties":{"spec":{"type":"object","properties":{"x":{"type":"string","maxLenght":3}}}}}}}]}}
            """);

        Assert.Equal([".spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.x.maxLenght"], BuiltInSchemas.UnknownFields(typeof(V1CustomResourceDefinition), crd));
    }

    [Fact]
    public void UnknownFields_OfTheZkRsyncSessionCrd_AreNone()
    {
        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "zkrsyncsessions.zksync.io" },
            ["spec"] = Object("""
                {"group":"zksync.io","scope":"Namespaced",
                 "names":{"kind":"ZkRsyncSession","listKind":"ZkRsyncSessionList","plural":"zkrsyncsessions","singular":"zkrsyncsession","shortNames":["zkrs"],"categories":["zksync"]},
                 "versions":[{"name":"v1alpha1","served":true,"storage":true,"subresources":{"status":{}},
                   "additionalPrinterColumns":[{"name":"Phase","type":"string","jsonPath":".status.phase"},{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}]}]}
                """),
        };
        crd["spec"]!["versions"]![0]!["schema"] = new JsonObject { ["openAPIV3Schema"] = ZkRsyncSessionCrd.SchemaJson() };

        Assert.Empty(BuiltInSchemas.UnknownFields(typeof(V1CustomResourceDefinition), crd));
    }

    [Theory]
    [InlineData(typeof(V1Deployment), """{"spec":{"template":{"spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":1}}}]}},"strategy":{"rollingUpdate":{"maxSurge":"25%"}}}}""")]
    [InlineData(typeof(V1Service), """{"spec":{"ports":[{"port":80,"targetPort":"http"}],"selector":{"a":"b"}}}""")]
    [InlineData(typeof(V1Secret), """{"data":{"a":"YQ=="},"stringData":{"b":"c"},"type":"Opaque"}""")]
    [InlineData(typeof(V1Job), """{"spec":{"podFailurePolicy":{"rules":[{"action":"FailJob","onExitCodes":{"operator":"In","values":[2]}}]},"template":{"spec":{"containers":[]}}}}""")]
    [InlineData(typeof(V1Role), """{"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""")]
    [InlineData(typeof(V1Lease), """{"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"renewTime":"2024-01-01T00:00:00.000000Z"}}""")]
    public void UnknownFields_OfValidObjectsOfOtherKinds_AreNone(Type model, string json)
    {
        Assert.Empty(BuiltInSchemas.UnknownFields(model, Object(json)));
    }
}
