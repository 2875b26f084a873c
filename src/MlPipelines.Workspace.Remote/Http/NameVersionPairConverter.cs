using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlPipelines.Workspace.Remote.Http;

/// <summary>
/// A <c>(string, int)</c> pair such as a model's lineage dataset <c>(Dataset, Version)</c> as <c>{"name": …, "version": …}</c>
/// (System.Text.Json would otherwise write a tuple as <c>{}</c>, since its items are fields).
/// </summary>
public sealed class NameVersionPairConverter : JsonConverter<(string, int)>
{
    /// <inheritdoc />
    public override (string, int) Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Expected an object with 'name' and 'version'.");
        string? name = null;
        int? version = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.GetString();
            reader.Read();
            if (string.Equals(property, "name", StringComparison.OrdinalIgnoreCase)) name = reader.GetString();
            else if (string.Equals(property, "version", StringComparison.OrdinalIgnoreCase)) version = reader.GetInt32();
            else reader.Skip();
        }
        return (name ?? throw new JsonException("Missing 'name'."), version ?? throw new JsonException("Missing 'version'."));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, (string, int) value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Item1);
        writer.WriteNumber("version", value.Item2);
        writer.WriteEndObject();
    }
}
