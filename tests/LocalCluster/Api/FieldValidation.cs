namespace ZkSync.LocalCluster.Api;

/// <summary>The <c>fieldValidation</c> query parameter: what to do with fields the schema does not know.</summary>
public enum FieldValidation
{
    /// <summary>Drop them silently.</summary>
    Ignore,

    /// <summary>Drop them and warn (a <c>Warning</c> header per field): the server's default.</summary>
    Warn,

    /// <summary>Refuse the request (400 BadRequest, "strict decoding error").</summary>
    Strict,
}
