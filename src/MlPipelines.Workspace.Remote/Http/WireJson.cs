using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlPipelines.Workspace.Remote.Http;

/// <summary>The JSON conventions of the server's API (camelCase, string enums, NaN/Infinity as named literals).</summary>
public static class WireJson
{
    /// <summary>Options for the client: unknown members are skipped so a newer server can add fields.</summary>
    public static JsonSerializerOptions Client { get; } = Create(JsonUnmappedMemberHandling.Skip);

    /// <summary>Applies the shared conventions to <paramref name="o"/> (the server adds strict unmapped-member handling).</summary>
    public static void Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.PropertyNameCaseInsensitive = true;
        o.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        o.RespectNullableAnnotations = true;
        o.RespectRequiredConstructorParameters = true;
        o.Converters.Add(new JsonStringEnumConverter());
        o.Converters.Add(new NameVersionPairConverter());
    }

    private static JsonSerializerOptions Create(JsonUnmappedMemberHandling unmapped)
    {
        var o = new JsonSerializerOptions();
        Configure(o);
        o.UnmappedMemberHandling = unmapped;
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
