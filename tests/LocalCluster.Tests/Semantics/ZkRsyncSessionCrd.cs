using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// A CRD schema shaped like issue 14's ZkRsyncSession (zksync.io/v1alpha1): nested objects with defaults, enums,
/// int-or-string, a list of subPaths bounded by maxItems and checked with all(), an immutable source (transition
/// rule), a status subresource's fields, and a 40-character limit on metadata.name by a CEL rule.
/// </summary>
internal static class ZkRsyncSessionCrd
{
    public const string Schema = """
    {
      "type": "object",
      "x-kubernetes-validations": [
        { "rule": "self.metadata.name.size() <= 40", "message": "name must be at most 40 characters (Job and label names derive from it)" }
      ],
      "properties": {
        "apiVersion": { "type": "string" },
        "kind": { "type": "string" },
        "metadata": {
          "type": "object",
          "properties": {
            "name": {
              "type": "string",
              "x-kubernetes-validations": [
                { "rule": "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')", "message": "must be a DNS-1123 label" }
              ]
            }
          }
        },
        "spec": {
          "type": "object",
          "required": ["source", "destination"],
          "x-kubernetes-validations": [
            { "rule": "!has(self.destinations) || self.destinations <= self.sources * 4", "message": "destinations may be at most four times sources", "fieldPath": ".destinations" },
            { "rule": "!has(self.trigger) || !has(self.trigger.schedule) || !has(self.trigger.manual)", "messageExpression": "'trigger.schedule and trigger.manual are exclusive, got schedule ' + self.trigger.schedule", "reason": "FieldValueForbidden" }
          ],
          "properties": {
            "source": {
              "type": "object",
              "x-kubernetes-validations": [
                { "rule": "self == oldSelf", "message": "source is immutable" },
                { "rule": "has(self.claimName) != has(self.volume)", "message": "exactly one of claimName and volume" }
              ],
              "properties": {
                "claimName": { "type": "string", "maxLength": 253 },
                "volume": { "type": "object", "x-kubernetes-preserve-unknown-fields": true },
                "subPath": { "type": "string", "maxLength": 4096 },
                "readOnly": { "type": "boolean", "default": true }
              }
            },
            "destination": {
              "type": "object",
              "x-kubernetes-validations": [
                { "rule": "self == oldSelf", "message": "destination is immutable" }
              ],
              "properties": {
                "claimName": { "type": "string", "maxLength": 253 },
                "subPath": { "type": "string", "maxLength": 4096 }
              }
            },
            "sources": { "type": "integer", "minimum": 1, "maximum": 256, "default": 4 },
            "destinations": { "type": "integer", "minimum": 1, "maximum": 256 },
            "depth": { "type": "integer", "minimum": 0, "default": 3 },
            "progressIntervalSeconds": { "type": "integer", "minimum": 1, "default": 5 },
            "subPaths": {
              "type": "array",
              "maxItems": 64,
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["path"],
              "x-kubernetes-validations": [
                { "rule": "self.all(p, !p.path.startsWith('/') && !p.path.contains('..'))", "message": "subPaths must be relative and stay inside the volume" }
              ],
              "items": {
                "type": "object",
                "required": ["path"],
                "properties": {
                  "path": { "type": "string", "minLength": 1, "maxLength": 4096 },
                  "depth": { "type": "integer", "minimum": 0, "default": 1 }
                }
              }
            },
            "rsync": {
              "type": "object",
              "default": {},
              "properties": {
                "delete": { "type": "boolean", "default": false },
                "checksum": { "type": "boolean", "default": false },
                "timeoutSeconds": { "type": "integer", "minimum": 0 },
                "bandwidthLimit": { "x-kubernetes-int-or-string": true, "anyOf": [ { "type": "integer" }, { "type": "string" } ] },
                "extraArgs": {
                  "type": "array",
                  "maxItems": 32,
                  "items": { "type": "string", "maxLength": 256 },
                  "x-kubernetes-validations": [
                    { "rule": "self.all(a, !(a.split('=')[0] in ['--rsh', '-e', '--daemon', '--files-from', '--server']))", "messageExpression": "'option ' + self.filter(a, a.split('=')[0] in ['--rsh', '-e', '--daemon', '--files-from', '--server'])[0].split('=')[0] + ' is not allowed'" }
                  ]
                }
              }
            },
            "zookeeper": {
              "type": "object",
              "x-kubernetes-validations": [
                { "rule": "self == oldSelf", "message": "zookeeper is immutable" }
              ],
              "properties": {
                "servers": { "type": "string", "maxLength": 1024, "pattern": "^[^,:]+:[0-9]+(,[^,:]+:[0-9]+)*$" },
                "credentialsSecretRef": {
                  "type": "object",
                  "required": ["name"],
                  "properties": { "name": { "type": "string", "maxLength": 253 } }
                }
              }
            },
            "trigger": {
              "type": "object",
              "properties": {
                "manual": { "type": "string", "maxLength": 63 },
                "schedule": { "type": "string", "maxLength": 128 }
              }
            },
            "suspend": { "type": "boolean" },
            "workers": {
              "type": "object",
              "properties": {
                "image": { "type": "string" },
                "imagePullPolicy": { "type": "string", "enum": ["Always", "IfNotPresent", "Never"] },
                "podLabels": { "type": "object", "additionalProperties": { "type": "string", "maxLength": 63 }, "maxProperties": 16 },
                "resources": { "type": "object", "x-kubernetes-preserve-unknown-fields": true }
              }
            }
          }
        },
        "status": {
          "type": "object",
          "properties": {
            "phase": { "type": "string", "enum": ["Pending", "Running", "Succeeded", "Failed", "Suspended"] },
            "progressPercent": { "type": "integer", "minimum": 0, "maximum": 100 },
            "lastProgressTime": { "type": "string", "format": "date-time" },
            "conditions": {
              "type": "array",
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["type"],
              "items": {
                "type": "object",
                "required": ["type", "status"],
                "properties": {
                  "type": { "type": "string" },
                  "status": { "type": "string", "enum": ["True", "False", "Unknown"] },
                  "observedGeneration": { "type": "integer", "format": "int64", "minimum": 0 },
                  "reason": { "type": "string" }
                }
              }
            }
          }
        }
      }
    }
    """;

    public static JsonObject SchemaJson() => SchemaTesting.Object(Schema);

    /// <summary>A valid session, as a user would apply it.</summary>
    public static JsonObject Session(string name = "nightly-copy") => SchemaTesting.Object($$"""
    {
      "apiVersion": "zksync.io/v1alpha1",
      "kind": "ZkRsyncSession",
      "metadata": { "name": "{{name}}", "namespace": "default" },
      "spec": {
        "source": { "claimName": "data-old" },
        "destination": { "claimName": "data-new" },
        "subPaths": [ { "path": "home" }, { "path": "srv/www", "depth": 2 } ]
      }
    }
    """);
}
