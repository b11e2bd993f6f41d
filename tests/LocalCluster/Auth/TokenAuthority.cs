using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Auth;

/// <summary>
/// Issues and checks bearer tokens: the admin token, tokens of named test users, and service-account
/// tokens (RS256 JWTs with the claims a real server puts in them, bound to the account's uid and,
/// when asked, to a pod's), as the TokenRequest API and the kubelet's projected volumes hand them out.
/// </summary>
public sealed class TokenAuthority : IDisposable
{
    /// <summary>The issuer a kubeadm cluster writes into its tokens.</summary>
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";

    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyId;
    private readonly ObjectStore _store;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, UserInfo> _staticTokens = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TokenAuthority(ObjectStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _keyId = Base64Url(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()))[..16];
        AdminToken = RandomToken();
        _staticTokens[AdminToken] = UserInfo.Admin;
    }

    /// <summary>The bearer token of <see cref="UserInfo.Admin"/>.</summary>
    public string AdminToken { get; }

    /// <summary>A token for a user of the given name and groups (tests acting as a person without cluster-admin).</summary>
    public string IssueUserToken(string name, IReadOnlyList<string> groups)
    {
        var token = RandomToken();
        lock (_gate)
        {
            _staticTokens[token] = new UserInfo(name, [.. groups, UserInfo.AuthenticatedGroup]);
        }

        return token;
    }

    /// <summary>Issues a token for a service account (its uid binds it: the token dies with the account).</summary>
    public ServiceAccountToken IssueServiceAccountToken(
        string ns, string name, string uid, IReadOnlyList<string>? audiences, TimeSpan lifetime, (string Name, string Uid)? boundPod = null)
    {
        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = _keyId };
        var kubernetes = new JsonObject
        {
            ["namespace"] = ns,
            ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = uid },
        };
        if (boundPod is { } pod)
        {
            kubernetes["pod"] = new JsonObject { ["name"] = pod.Name, ["uid"] = pod.Uid };
        }

        var audienceArray = new JsonArray();
        foreach (var audience in audiences is { Count: > 0 } ? audiences : [Issuer])
        {
            audienceArray.Add(audience);
        }

        var payload = new JsonObject
        {
            ["aud"] = audienceArray,
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = kubernetes,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = $"{UserInfo.ServiceAccountPrefix}{ns}:{name}",
        };
        var signed = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new ServiceAccountToken(signed + "." + Base64Url(signature), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The user a bearer token stands for, or null when the token is not valid (expired, forged, its account gone).</summary>
    public (UserInfo User, IReadOnlyList<string> Audiences)? Authenticate(string token)
    {
        lock (_gate)
        {
            if (_staticTokens.TryGetValue(token, out var user))
            {
                return (user, []);
            }
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var signature = FromBase64Url(parts[2]);
            if (!_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return null;
            }

            var payload = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
            var exp = JsonValues.Long(payload?["exp"]) ?? 0;
            if (_time.GetUtcNow().ToUnixTimeSeconds() >= exp)
            {
                return null;
            }

            var claims = payload?["kubernetes.io"];
            var ns = JsonValues.String(claims?["namespace"]) ?? "";
            var name = JsonValues.String(claims?["serviceaccount"]?["name"]) ?? "";
            var uid = JsonValues.String(claims?["serviceaccount"]?["uid"]) ?? "";
            var account = _store.Get("serviceaccounts", ns, name);
            if (account is null || Metadata.Uid(account) != uid)
            {
                return null;
            }

            if (claims?["pod"] is JsonObject pod)
            {
                var bound = _store.Get("pods", ns, JsonValues.String(pod["name"]) ?? "");
                if (bound is null || Metadata.Uid(bound) != JsonValues.String(pod["uid"]))
                {
                    return null;
                }
            }

            var audiences = (payload?["aud"] as JsonArray)?.Select(JsonValues.String).OfType<string>().ToList() ?? [];
            return (UserInfo.ServiceAccount(ns, name, uid), audiences);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or CryptographicException)
        {
            return null;
        }
    }

    public void Dispose() => _key.Dispose();

    private static string RandomToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
