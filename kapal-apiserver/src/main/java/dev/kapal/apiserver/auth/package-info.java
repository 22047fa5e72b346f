/** Authentication (who is calling) and authorization (may they) seams of the API server. */
package dev.kapal.apiserver.auth;
