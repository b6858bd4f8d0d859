<#ftl output_format="plainText">
${msg("tableauthMagicLinkBody", link, linkExpiration, realmName)}
