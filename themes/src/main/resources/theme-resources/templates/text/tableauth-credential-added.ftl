<#ftl output_format="plainText">
${msg("tableauthCredentialAddedBody", what, realmName)}
